<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}
/*
 * Runs after the Module Loader removed SocialCRM (ModuleInstaller::post_uninstall). Acts only
 * when the admin chose to remove the tables, and so the data; otherwise everything stays so
 * that a reinstall finds its settings and custom fields as it left them.
 *
 * - The settings hold the shared secret: they go with the data.
 * - Installing a custom field makes DynamicField write a partial vardef,
 *   custom/Extension/modules/<module>/Ext/Vardefs/_override_sugarfield_<field>.php. Removing
 *   the field deletes fields_meta_data's row, the column and sugarfield_<field>.php, but not
 *   this file, which would leave a field definition without name or type behind. Only the
 *   files of this package's own scrm_*_c fields are deleted, by their exact names.
 */
if (empty($GLOBALS['mi_remove_tables'])) {
    return;
}
if (isset($GLOBALS['db'])) {
    $GLOBALS['db']->query("DELETE FROM config WHERE category = 'socialcrm'");
    if (function_exists('sugar_cache_clear')) {
        sugar_cache_clear('admin_settings_cache');
    }
}
foreach (array('Contacts', 'Leads', 'Accounts') as $scrmModule) {
    foreach (array('scrm_avg_sentiment_c', 'scrm_advocate_score_c', 'scrm_last_social_at_c') as $scrmField) {
        $scrmPath = "custom/Extension/modules/$scrmModule/Ext/Vardefs/_override_sugarfield_$scrmField.php";
        if (is_file($scrmPath)) {
            unlink($scrmPath);
        }
    }
}
unset($scrmModule, $scrmField, $scrmPath);
