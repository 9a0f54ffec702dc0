<?php
// SocialCRM entry in Administration.
$mod_strings['LBL_SCRM_ADMIN_HEADER'] = 'SocialCRM';
$mod_strings['LBL_SCRM_ADMIN_HEADER_DESC'] = 'Connect SuiteCRM to the SocialCRM service.';
$mod_strings['LBL_SCRM_ADMIN_SETTINGS_TITLE'] = 'SocialCRM Settings';
$mod_strings['LBL_SCRM_ADMIN_SETTINGS_DESC'] = 'Service URL, shared secret and a connection test.';
