<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$popupMeta = array(
    'moduleMain' => 'SCRM_SocialInteraction',
    'varName' => 'SCRM_SocialInteraction',
    'orderBy' => 'scrm_socialinteractions.occurred_at',
    'whereClauses' => array(
        'name' => 'scrm_socialinteractions.name',
        'network' => 'scrm_socialinteractions.network',
        'status' => 'scrm_socialinteractions.status',
    ),
    'searchInputs' => array('name', 'network', 'status'),
    'listviewdefs' => array(
        'NAME' => array('width' => '40', 'label' => 'LBL_SCRM_SUBJECT', 'default' => true, 'link' => true),
        'NETWORK' => array('width' => '15', 'label' => 'LBL_SCRM_NETWORK', 'default' => true),
        'STATUS' => array('width' => '15', 'label' => 'LBL_SCRM_STATUS', 'default' => true),
        'OCCURRED_AT' => array('width' => '20', 'label' => 'LBL_SCRM_OCCURRED_AT', 'default' => true),
    ),
    'searchdefs' => array(
        'name' => array('name' => 'name'),
        'network' => array('name' => 'network'),
        'status' => array('name' => 'status'),
    ),
);
