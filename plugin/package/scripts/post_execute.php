<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}
/*
 * Runs during every install of SocialCRM (ModuleInstaller::post_execute), before the tables
 * are created.
 *
 * SugarBean::create_tables adds a module's role actions (access, view, list, edit, delete,
 * import, export, mass update) only when it creates the module's table. An uninstall always
 * removes those actions, also when the admin keeps the tables; a later install then finds the
 * tables, skips them, and without the actions SuiteCRM denies the modules to every
 * non-administrator. ACLAction::addActions adds only the actions that are missing, so this
 * is harmless on a first install and repairs the reinstall.
 */
if (!class_exists('ACLAction')) {
    require_once 'modules/ACLActions/ACLAction.php';
}
foreach (array('SCRM_SocialInteractions', 'SCRM_SocialProfiles') as $scrmModule) {
    ACLAction::addActions($scrmModule, 'module');
}
unset($scrmModule);
