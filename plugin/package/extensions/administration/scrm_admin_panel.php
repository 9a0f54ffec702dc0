<?php
// SocialCRM: Administration -> SocialCRM -> SocialCRM Settings.
$scrm_admin_options = array();
$scrm_admin_options['Administration']['scrm_settings'] = array(
    'Administration',
    'LBL_SCRM_ADMIN_SETTINGS_TITLE',
    'LBL_SCRM_ADMIN_SETTINGS_DESC',
    './index.php?module=SCRM_SocialInteractions&action=scrmsettings',
    'system-settings',
);
$admin_group_header[] = array(
    'LBL_SCRM_ADMIN_HEADER',
    '',
    false,
    $scrm_admin_options,
    'LBL_SCRM_ADMIN_HEADER_DESC',
);
