<?php
// SocialCRM: names of the SCRM modules in the SuiteCRM 8 front end.
$module_name_map['SCRM_SocialInteractions'] = array(
    'frontend' => 'scrm-social-interactions',
    'core' => 'SCRM_SocialInteractions',
);
$module_name_map['SCRM_SocialProfiles'] = array(
    'frontend' => 'scrm-social-profiles',
    'core' => 'SCRM_SocialProfiles',
);
$module_name_map['SCRM_ChangeOutbox'] = array(
    'frontend' => 'scrm-change-outbox',
    'core' => 'SCRM_ChangeOutbox',
);
