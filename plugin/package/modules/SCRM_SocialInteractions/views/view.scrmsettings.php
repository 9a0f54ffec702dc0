<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once 'include/MVC/View/SugarView.php';
require_once __DIR__ . '/../lib/SCRM_SettingsPage.php';
require_once __DIR__ . '/../lib/SCRM_ChangeNotifier.php';

/**
 * Administration -> SocialCRM. The page object does the work; this view only wires
 * SuiteCRM's request, session and current user into it. $_POST is what SuiteCRM's input
 * filter (clean_incoming_data) left; $GLOBALS['RAW_REQUEST'] is the request as sent, which
 * clean_incoming_data keeps so the page can refuse values the filter changed.
 */
class SCRM_SocialInteractionsViewScrmsettings extends SugarView
{
    public function display()
    {
        global $current_user, $mod_strings;
        if (!isset($_SESSION) || !is_array($_SESSION)) {
            $_SESSION = array();
        }
        $page = new SCRM_SettingsPage(is_array($mod_strings) ? $mod_strings : array(), new SCRM_Http(0.5, 3.0), $_SESSION);
        $method = isset($_SERVER['REQUEST_METHOD']) ? $_SERVER['REQUEST_METHOD'] : 'GET';
        $raw = isset($GLOBALS['RAW_REQUEST']) && is_array($GLOBALS['RAW_REQUEST']) ? $GLOBALS['RAW_REQUEST'] : null;
        echo $page->handle(!empty($current_user) && is_admin($current_user), $method, $_POST, $raw);
    }
}
