<?php
/*
 * Drives SCRM_SettingsPage through a sequence of requests sharing one session.
 *
 * stdin: {"package": dir, "settings": {...}, "settings_failure": str|null, "is_admin": bool,
 *         "http": {...}, "strings": "module"|"none",
 *         "requests": [{"method": "GET"} | {"method": "POST", "post": {...}, "token": "valid"|"wrong"|"none"}]}
 */

require __DIR__ . '/stubs.php';

$scenario = scrm_test_input();
chdir($scenario['package']);
require_once 'modules/SCRM_SocialInteractions/lib/SCRM_SettingsPage.php';
require_once 'modules/SCRM_SocialInteractions/lib/SCRM_ChangeNotifier.php';
Administration::$table = isset($scenario['settings']) ? $scenario['settings'] : array();
Administration::$failure = isset($scenario['settings_failure']) ? $scenario['settings_failure'] : null;

$mod_strings = array();
require 'modules/SCRM_SocialInteractions/language/en_us.lang.php';
$session = array();
$page = new SCRM_SettingsPage($mod_strings, scrm_test_http($scenario), $session);
$pages = array();
foreach ($scenario['requests'] as $request) {
    $post = isset($request['post']) ? $request['post'] : array();
    $token = isset($request['token']) ? $request['token'] : 'valid';
    if ($token === 'valid' && isset($session[SCRM_SettingsPage::TOKEN_KEY])) {
        $post['scrm_form_token'] = $session[SCRM_SettingsPage::TOKEN_KEY];
    } elseif ($token === 'wrong') {
        $post['scrm_form_token'] = str_repeat('0', 64);
    }
    $pages[] = $page->handle(!empty($scenario['is_admin']), $request['method'], $post);
}
scrm_test_output(array('pages' => $pages, 'table' => (object) Administration::$table, 'session_keys' => array_keys($session)));
