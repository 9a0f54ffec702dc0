<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}
/*
 * Runs after the Module Loader removed SocialCRM. The settings hold the shared secret:
 * when the admin chose to remove the tables (and so the data), the settings go too;
 * otherwise they stay so that a reinstall keeps working without re-entering them.
 */
if (!empty($GLOBALS['mi_remove_tables']) && isset($GLOBALS['db'])) {
    $GLOBALS['db']->query("DELETE FROM config WHERE category = 'socialcrm'");
    if (function_exists('sugar_cache_clear')) {
        sugar_cache_clear('admin_settings_cache');
    }
}
