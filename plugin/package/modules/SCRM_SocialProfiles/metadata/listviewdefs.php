<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$module_name = 'SCRM_SocialProfiles';
$listViewDefs[$module_name] = array(
    'NAME' => array('width' => '25', 'label' => 'LBL_SCRM_PROFILE_NAME', 'default' => true, 'link' => true),
    'NETWORK' => array('width' => '10', 'label' => 'LBL_SCRM_NETWORK', 'default' => true),
    'HANDLE' => array('width' => '15', 'label' => 'LBL_SCRM_HANDLE', 'default' => true),
    'FOLLOWERS' => array('width' => '10', 'label' => 'LBL_SCRM_FOLLOWERS', 'default' => true),
    'ADVOCATE_SCORE' => array('width' => '10', 'label' => 'LBL_SCRM_ADVOCATE_SCORE', 'default' => true),
    'MATCH_CONFIDENCE' => array('width' => '10', 'label' => 'LBL_SCRM_MATCH_CONFIDENCE', 'default' => false),
    'CONTACT_NAME' => array(
        'width' => '15',
        'label' => 'LBL_SCRM_CONTACT',
        'module' => 'Contacts',
        'id' => 'CONTACT_ID',
        'link' => true,
        'default' => true,
        'related_fields' => array('contact_id'),
    ),
    'ASSIGNED_USER_NAME' => array(
        'width' => '9',
        'label' => 'LBL_ASSIGNED_TO_NAME',
        'module' => 'Employees',
        'id' => 'ASSIGNED_USER_ID',
        'default' => false,
    ),
);
