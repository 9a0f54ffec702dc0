<?php
// SocialCRM: the link fields behind the social subpanels on Accounts. The relationships
// themselves live in the SCRM_* modules' vardefs (foreign keys on the SCRM tables).
$dictionary['Account']['fields']['scrm_socialinteractions'] = array(
    'name' => 'scrm_socialinteractions',
    'vname' => 'LBL_SCRM_SOCIALINTERACTIONS',
    'type' => 'link',
    'source' => 'non-db',
    'relationship' => 'scrm_accounts_socialinteractions',
    'module' => 'SCRM_SocialInteractions',
    'bean_name' => 'SCRM_SocialInteraction',
);
$dictionary['Account']['fields']['scrm_socialprofiles'] = array(
    'name' => 'scrm_socialprofiles',
    'vname' => 'LBL_SCRM_SOCIALPROFILES',
    'type' => 'link',
    'source' => 'non-db',
    'relationship' => 'scrm_accounts_socialprofiles',
    'module' => 'SCRM_SocialProfiles',
    'bean_name' => 'SCRM_SocialProfile',
);
