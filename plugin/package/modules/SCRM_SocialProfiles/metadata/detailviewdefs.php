<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$module_name = 'SCRM_SocialProfiles';
$viewdefs[$module_name]['DetailView'] = array(
    'templateMeta' => array(
        // No DUPLICATE: a copy would repeat the network and network ID of a record the
        // SocialCRM service already keeps, and it would treat the copy as the same item.
        'form' => array('buttons' => array('EDIT', 'DELETE')),
        'maxColumns' => '2',
        'widths' => array(
            array('label' => '10', 'field' => '30'),
            array('label' => '10', 'field' => '30'),
        ),
        'useTabs' => false,
    ),
    'panels' => array(
        'LBL_SCRM_PANEL_OVERVIEW' => array(
            array('name', 'network'),
            array('display_name', 'handle'),
            array('profile_url', 'external_id'),
            array('followers', 'advocate_score'),
            array('discount_seeker', 'assigned_user_name'),
        ),
        'LBL_SCRM_PANEL_MATCH' => array(
            array('contact_name', 'lead_name'),
            array('account_name', 'match_confidence'),
            array('match_evidence'),
        ),
    ),
);
