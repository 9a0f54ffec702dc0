<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$module_name = 'SCRM_SocialProfiles';
$viewdefs[$module_name]['EditView'] = array(
    'templateMeta' => array(
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
            // Edited as plain text: SuiteCRM's URL edit template pre-fills "http://".
            array(array('name' => 'profile_url', 'type' => 'varchar'), 'external_id'),
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
