<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$popupMeta = array(
    'moduleMain' => 'SCRM_SocialProfile',
    'varName' => 'SCRM_SocialProfile',
    'orderBy' => 'scrm_socialprofiles.name',
    'whereClauses' => array(
        'name' => 'scrm_socialprofiles.name',
        'network' => 'scrm_socialprofiles.network',
        'handle' => 'scrm_socialprofiles.handle',
    ),
    'searchInputs' => array('name', 'network', 'handle'),
    'listviewdefs' => array(
        'NAME' => array('width' => '40', 'label' => 'LBL_SCRM_PROFILE_NAME', 'default' => true, 'link' => true),
        'NETWORK' => array('width' => '20', 'label' => 'LBL_SCRM_NETWORK', 'default' => true),
        'HANDLE' => array('width' => '30', 'label' => 'LBL_SCRM_HANDLE', 'default' => true),
    ),
    'searchdefs' => array(
        'name' => array('name' => 'name'),
        'network' => array('name' => 'network'),
        'handle' => array('name' => 'handle'),
    ),
);
