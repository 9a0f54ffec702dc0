<?php
// SocialCRM: the link fields behind the social subpanels on Cases. The relationships
// themselves live in the SCRM_* modules' vardefs (foreign keys on the SCRM tables).
$dictionary['Case']['fields']['scrm_socialinteractions'] = array(
    'name' => 'scrm_socialinteractions',
    'vname' => 'LBL_SCRM_SOCIALINTERACTIONS',
    'type' => 'link',
    'source' => 'non-db',
    'relationship' => 'scrm_cases_socialinteractions',
    'module' => 'SCRM_SocialInteractions',
    'bean_name' => 'SCRM_SocialInteraction',
);
