<?php
/*
 * Drives Administration -> SocialCRM the way SuiteCRM serves it: every request goes through
 * the module's view (views/view.scrmsettings.php) with one session kept between requests, the
 * current user's admin flag, $_POST as SuiteCRM's input filter leaves it (securexss.php) and
 * $GLOBALS['RAW_REQUEST'] as the browser sent it (clean_incoming_data keeps it).
 *
 * stdin: {"package": dir, "settings": {...}, "settings_failure": str|null, "is_admin": bool,
 *         "raw_request": bool (default true), "blowfish_key": str|null (see stubs.php),
 *         "requests": [{"method": "GET"} | {"method": "POST", "post": {...}, "token": "valid"|"wrong"|"none"}]}
 */

require __DIR__ . '/stubs.php';
require __DIR__ . '/securexss.php';
set_include_path(__DIR__ . '/suitecrm_stub' . PATH_SEPARATOR . get_include_path());

/** include/utils.php is_admin() */
function is_admin($user)
{
    return !empty($user) && !empty($user->is_admin);
}

$scenario = scrm_test_input();
chdir($scenario['package']);
require_once 'modules/SCRM_SocialInteractions/views/view.scrmsettings.php';
Administration::$table = isset($scenario['settings']) ? $scenario['settings'] : array();
Administration::$failure = isset($scenario['settings_failure']) ? $scenario['settings_failure'] : null;
if (isset($scenario['blowfish_key'])) {
    $GLOBALS['scrm_test_blowfish_key'] = $scenario['blowfish_key'];
}

$mod_strings = array();
require 'modules/SCRM_SocialInteractions/language/en_us.lang.php';
$GLOBALS['mod_strings'] = $mod_strings;
$GLOBALS['current_user'] = (object) array('is_admin' => !empty($scenario['is_admin']));
$_SESSION = array();
$pages = array();
$seen = array();
foreach ($scenario['requests'] as $request) {
    $get = array('module' => 'SCRM_SocialInteractions', 'action' => 'scrmsettings');
    $post = isset($request['post']) ? $request['post'] : array();
    $token = isset($request['token']) ? $request['token'] : 'valid';
    if ($token === 'valid' && isset($_SESSION[SCRM_SettingsPage::TOKEN_KEY])) {
        $post['scrm_form_token'] = $_SESSION[SCRM_SettingsPage::TOKEN_KEY];
    } elseif ($token === 'wrong') {
        $post['scrm_form_token'] = str_repeat('0', 64);
    }
    $_SERVER['REQUEST_METHOD'] = $request['method'];
    // include/utils.php clean_incoming_data()
    $GLOBALS['RAW_REQUEST'] = array_merge($get, $post);
    if (isset($scenario['raw_request']) && !$scenario['raw_request']) {
        unset($GLOBALS['RAW_REQUEST']);
    }
    $_GET = scrm_test_securexss($get);
    $_POST = scrm_test_securexss($post);
    $_REQUEST = array_merge($_GET, $_POST);
    $seen[] = $_POST;
    $view = new SCRM_SocialInteractionsViewScrmsettings();
    ob_start();
    $view->display();
    $pages[] = ob_get_clean();
}
scrm_test_output(array(
    'pages' => $pages,
    'table' => (object) Administration::$table,
    'writes' => Administration::$writes,
    'blowfish_key_types' => array_values(array_unique($GLOBALS['scrm_test_blowfish_types'])),
    'session_keys' => array_keys($_SESSION),
    'posted' => $seen,
));
