<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$module_name = 'SCRM_SocialProfiles';
$searchdefs[$module_name] = array(
    'templateMeta' => array(
        'maxColumns' => '3',
        'maxColumnsBasic' => '4',
        'widths' => array('label' => '10', 'field' => '30'),
    ),
    'layout' => array(
        'basic_search' => array(
            'name' => array('name' => 'name', 'default' => true),
            'network' => array('name' => 'network', 'default' => true),
            'current_user_only' => array(
                'name' => 'current_user_only',
                'label' => 'LBL_CURRENT_USER_FILTER',
                'type' => 'bool',
                'default' => true,
            ),
        ),
        'advanced_search' => array(
            'name' => array('name' => 'name', 'default' => true),
            'network' => array('name' => 'network', 'default' => true),
            'handle' => array('name' => 'handle', 'default' => true),
            'discount_seeker' => array('name' => 'discount_seeker', 'default' => true),
            'assigned_user_id' => array(
                'name' => 'assigned_user_id',
                'label' => 'LBL_ASSIGNED_TO',
                'type' => 'enum',
                'function' => array('name' => 'get_user_array', 'params' => array(false)),
                'default' => true,
            ),
        ),
    ),
);
