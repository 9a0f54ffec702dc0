<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}
/*
 * Runs during every install of SocialCRM (ModuleInstaller::pre_execute), before the package's
 * files are copied.
 *
 * Installing over files that exist (an upgrade, or an install over an earlier release) makes
 * ModuleInstaller::install_copy keep a copy of them in a "-restore" folder, and uninstalling
 * copies them back: the earlier release's files would come back on every uninstall and stay in
 * modules/ for good. They are this package's own older files, never the customer's
 * (customisations live under custom/), so they are deleted here and the installer finds
 * nothing to keep. Files only: the installer copies into the folders, and an uninstall removes
 * a module folder once it holds no file. (SuiteCRM's package scanner allows is_file and unlink
 * when exempted, not rmdir.)
 */
foreach (array('modules/SCRM_SocialInteractions', 'modules/SCRM_SocialProfiles', 'modules/SCRM_ChangeOutbox') as $scrmDir) {
    foreach (findAllFiles($scrmDir, array()) as $scrmFile) {
        if (is_file($scrmFile)) {
            unlink($scrmFile);
        }
    }
}
unset($scrmDir, $scrmFile);
