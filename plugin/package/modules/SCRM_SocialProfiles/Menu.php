<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

global $mod_strings;
$module_menu = array();
if (ACLController::checkAccess('SCRM_SocialProfiles', 'edit', true)) {
    $module_menu[] = array(
        'index.php?module=SCRM_SocialProfiles&action=EditView&return_module=SCRM_SocialProfiles&return_action=DetailView',
        $mod_strings['LNK_NEW_RECORD'],
        'Add',
        'SCRM_SocialProfiles',
    );
}
if (ACLController::checkAccess('SCRM_SocialProfiles', 'list', true)) {
    $module_menu[] = array(
        'index.php?module=SCRM_SocialProfiles&action=index&return_module=SCRM_SocialProfiles&return_action=DetailView',
        $mod_strings['LNK_LIST'],
        'View',
        'SCRM_SocialProfiles',
    );
}
