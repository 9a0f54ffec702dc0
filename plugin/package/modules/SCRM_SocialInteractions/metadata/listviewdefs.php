<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$module_name = 'SCRM_SocialInteractions';
$listViewDefs[$module_name] = array(
    'NAME' => array('width' => '28', 'label' => 'LBL_SCRM_SUBJECT', 'default' => true, 'link' => true),
    'NETWORK' => array('width' => '8', 'label' => 'LBL_SCRM_NETWORK', 'default' => true),
    'KIND' => array('width' => '8', 'label' => 'LBL_SCRM_KIND', 'default' => true),
    'DIRECTION' => array('width' => '8', 'label' => 'LBL_SCRM_DIRECTION', 'default' => false),
    'STATUS' => array('width' => '9', 'label' => 'LBL_SCRM_STATUS', 'default' => true),
    'SENTIMENT_LABEL' => array('width' => '8', 'label' => 'LBL_SCRM_SENTIMENT_LABEL', 'default' => true),
    'OCCURRED_AT' => array('width' => '12', 'label' => 'LBL_SCRM_OCCURRED_AT', 'default' => true),
    'SLA_DUE_AT' => array('width' => '12', 'label' => 'LBL_SCRM_SLA_DUE_AT', 'default' => false),
    'AUTHOR_NAME' => array('width' => '12', 'label' => 'LBL_SCRM_AUTHOR_NAME', 'default' => false),
    'ASSIGNED_USER_NAME' => array(
        'width' => '9',
        'label' => 'LBL_ASSIGNED_TO_NAME',
        'module' => 'Employees',
        'id' => 'ASSIGNED_USER_ID',
        'default' => true,
    ),
);
