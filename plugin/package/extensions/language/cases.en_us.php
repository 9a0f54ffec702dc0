<?php
// SocialCRM labels added to Cases.
$mod_strings['LBL_SCRM_SOCIALINTERACTIONS'] = 'Social Interactions';
$mod_strings['LBL_SCRM_SOCIALINTERACTIONS_SUBPANEL_TITLE'] = 'Social Interactions';
