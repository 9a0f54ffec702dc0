<?php
// SocialCRM labels added to Accounts.
$mod_strings['LBL_SCRM_SOCIALINTERACTIONS'] = 'Social Interactions';
$mod_strings['LBL_SCRM_SOCIALINTERACTIONS_SUBPANEL_TITLE'] = 'Social Interactions';
$mod_strings['LBL_SCRM_SOCIALPROFILES'] = 'Social Profiles';
$mod_strings['LBL_SCRM_SOCIALPROFILES_SUBPANEL_TITLE'] = 'Social Profiles';
$mod_strings['LBL_SCRM_AVG_SENTIMENT'] = 'Average social sentiment';
$mod_strings['LBL_SCRM_ADVOCATE_SCORE'] = 'Advocate score';
$mod_strings['LBL_SCRM_LAST_SOCIAL_AT'] = 'Last social interaction';
