<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

global $mod_strings, $current_user;
$module_menu = array();
if (ACLController::checkAccess('SCRM_SocialInteractions', 'edit', true)) {
    $module_menu[] = array(
        'index.php?module=SCRM_SocialInteractions&action=EditView'
            . '&return_module=SCRM_SocialInteractions&return_action=DetailView',
        $mod_strings['LNK_NEW_RECORD'],
        'Add',
        'SCRM_SocialInteractions',
    );
}
if (ACLController::checkAccess('SCRM_SocialInteractions', 'list', true)) {
    $module_menu[] = array(
        'index.php?module=SCRM_SocialInteractions&action=index'
            . '&return_module=SCRM_SocialInteractions&return_action=DetailView',
        $mod_strings['LNK_LIST'],
        'View',
        'SCRM_SocialInteractions',
    );
}
if (!empty($current_user) && is_admin($current_user)) {
    $module_menu[] = array(
        'index.php?module=SCRM_SocialInteractions&action=scrmsettings',
        $mod_strings['LNK_SCRM_SETTINGS'],
        'SCRM_Settings',  // SuiteP's icon font has a gear for this name, none for Administration
        'SCRM_SocialInteractions',
    );
}
