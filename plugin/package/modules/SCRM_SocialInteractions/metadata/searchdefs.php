<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$module_name = 'SCRM_SocialInteractions';
$searchdefs[$module_name] = array(
    'templateMeta' => array(
        'maxColumns' => '3',
        'maxColumnsBasic' => '4',
        'widths' => array('label' => '10', 'field' => '30'),
    ),
    'layout' => array(
        'basic_search' => array(
            'name' => array('name' => 'name', 'default' => true),
            'status' => array('name' => 'status', 'default' => true),
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
            'kind' => array('name' => 'kind', 'default' => true),
            'status' => array('name' => 'status', 'default' => true),
            'sentiment_label' => array('name' => 'sentiment_label', 'default' => true),
            'author_name' => array('name' => 'author_name', 'default' => true),
            'occurred_at' => array('name' => 'occurred_at', 'default' => true),
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
