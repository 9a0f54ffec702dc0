<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}
/*
 * Runs during every install of SocialCRM (ModuleInstaller::post_execute), after the package's
 * files are in place and before the tables are created.
 *
 * 1. Role actions of the two modules for people (the change outbox has none).
 *    SugarBean::create_tables adds a module's role actions (access, view, list, edit, delete,
 *    import, export, mass update) only when it creates the module's table. An
 *    uninstall always removes those actions, also when the admin keeps the tables; a later
 *    install then finds the tables, skips them, and without the actions SuiteCRM denies the
 *    modules to every non-administrator. ACLAction::addActions adds only the actions that are
 *    missing, so this is harmless on a first install and repairs the reinstall.
 * 2. Tables kept from an earlier release (an upgrade, or a reinstall after an uninstall that
 *    kept them): ModuleInstaller never alters an existing table, so they are brought to this
 *    release's definitions the way Repair and Rebuild does (DBManager::repairTable: columns
 *    widened or added, indices added, nothing dropped). 0.2.0 widened the scores from
 *    DECIMAL(5,4) to DECIMAL(7,4).
 * 3. Data 0.1.0 stored wrongly: URL fields saved as the edit form's "http://" placeholder
 *    become empty.
 * 4. The Module Loader's record of earlier releases. UpgradeHistory::determineIfUpgrade never
 *    recognises an installed 0.x release (it compares against a starting version of 0, which a
 *    "0." version never passes), so the Module Loader installs over it instead of upgrading it
 *    and lists both releases as installed; uninstalling the old entry would then remove the
 *    modules' files. Rows of this package that SuiteCRM will not replace itself are removed,
 *    with their zips, as the Module Loader does for the release an upgrade replaces.
 */
if (!class_exists('ACLAction')) {
    require_once 'modules/ACLActions/ACLAction.php';
}
// module => [object, table, role actions?, URL fields]; the change outbox has no role actions
// (only administrators reach it, see SCRM_OutboxChange).
$scrmBeans = array(
    'SCRM_SocialInteractions' => array('SCRM_SocialInteraction', 'scrm_socialinteractions', true,
        array('permalink', 'author_profile_url')),
    'SCRM_SocialProfiles' => array('SCRM_SocialProfile', 'scrm_socialprofiles', true, array('profile_url')),
    'SCRM_ChangeOutbox' => array('SCRM_OutboxChange', 'scrm_change_outbox', false, array()),
);
foreach ($scrmBeans as $scrmModule => $scrmSpec) {
    list($scrmObject, $scrmTable, $scrmActions, $scrmUrlFields) = $scrmSpec;
    if ($scrmActions) {
        ACLAction::addActions($scrmModule, 'module');
    }
    if (!isset($GLOBALS['db']) || !$GLOBALS['db']->tableExists($scrmTable)) {
        continue;
    }
    VardefManager::refreshVardefs($scrmModule, $scrmObject);
    $scrmBean = BeanFactory::newBean($scrmModule);
    if ($scrmBean instanceof SugarBean) {
        $GLOBALS['db']->repairTable($scrmBean, true);
    }
    foreach ($scrmUrlFields as $scrmField) {
        $GLOBALS['db']->query("UPDATE $scrmTable SET $scrmField = NULL WHERE $scrmField IN ('http://', 'https://')");
    }
}
unset($scrmBeans, $scrmModule, $scrmSpec, $scrmObject, $scrmTable, $scrmActions, $scrmUrlFields, $scrmBean,
    $scrmField);

if (isset($GLOBALS['db']) && isset($this) && !empty($this->base_dir) && is_file($this->base_dir . '/manifest.php')) {
    $manifest = array();
    include $this->base_dir . '/manifest.php';
    $scrmVersion = isset($manifest['version']) ? (string) $manifest['version'] : '';
    if (!class_exists('UpgradeHistory')) {
        require_once 'modules/Administration/UpgradeHistory.php';
    }
    $scrmHistory = new UpgradeHistory();
    $scrmReplaced = $scrmVersion !== '' ? $scrmHistory->determineIfUpgrade('SCRM', $scrmVersion) : null;
    $scrmKeep = is_array($scrmReplaced) && !empty($scrmReplaced['id']) ? $scrmReplaced['id'] : '';
    $scrmRows = $GLOBALS['db']->query("SELECT id FROM upgrade_history WHERE id_name = 'SCRM' AND type = 'module'");
    while ($scrmRow = $GLOBALS['db']->fetchByAssoc($scrmRows)) {
        if ($scrmRow['id'] === $scrmKeep) {
            continue;
        }
        $scrmOld = new UpgradeHistory();
        if ($scrmOld->retrieve($scrmRow['id']) !== null) {
            // the same release again was uploaded over its own zip: that file is the new one
            if ($scrmOld->version !== $scrmVersion && !empty($scrmOld->filename) && is_file($scrmOld->filename)) {
                unlink($scrmOld->filename);
                $scrmOldManifest = remove_file_extension($scrmOld->filename) . '-manifest.php';
                if (is_file($scrmOldManifest)) {
                    unlink($scrmOldManifest);
                }
            }
            $scrmOld->delete();
        }
    }
    unset($manifest, $scrmVersion, $scrmHistory, $scrmReplaced, $scrmKeep, $scrmRows, $scrmRow, $scrmOld,
        $scrmOldManifest);
}
