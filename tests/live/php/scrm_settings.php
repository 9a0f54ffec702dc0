<?php
/*
 * Sets or clears SocialCRM's settings on a real SuiteCRM through the package's own SCRM_Config,
 * as the settings page does when an admin saves it. Run inside the SuiteCRM root as the web
 * server's user:
 *   php scrm_settings.php save <service url> <shared secret>
 *   php scrm_settings.php clear
 */
if (PHP_SAPI !== 'cli') {
    exit(1);
}
$argv = $_SERVER['argv'];
$command = isset($argv[1]) ? $argv[1] : '';
if (!($command === 'save' && count($argv) === 4) && !($command === 'clear' && count($argv) === 2)) {
    fwrite(STDERR, "usage: scrm_settings.php save <service url> <shared secret> | clear\n");
    exit(2);
}
define('sugarEntry', true);
ob_start();
require_once 'include/entryPoint.php';
ob_end_clean();
require_once 'modules/SCRM_SocialInteractions/lib/SCRM_Config.php';
if ($command === 'save') {
    $url = SCRM_Config::normaliseUrl($argv[2]);
    if ($url === null) {
        fwrite(STDERR, "not an acceptable service URL: {$argv[2]}\n");
        exit(2);
    }
    SCRM_Config::save($url, $argv[3]);
} else {
    $GLOBALS['db']->query("DELETE FROM config WHERE category = '" . SCRM_Config::CATEGORY . "'");
}
sugar_cache_clear('admin_settings_cache');
echo json_encode(array('ok' => true, 'service_url' => SCRM_Config::load()->serviceUrl)), "\n";
