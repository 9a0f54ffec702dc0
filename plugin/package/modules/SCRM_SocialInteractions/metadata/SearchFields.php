<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$module_name = 'SCRM_SocialInteractions';
$searchFields[$module_name] = array(
    'name' => array('query_type' => 'default'),
    'network' => array('query_type' => 'default'),
    'kind' => array('query_type' => 'default'),
    'status' => array('query_type' => 'default'),
    'sentiment_label' => array('query_type' => 'default'),
    'author_name' => array('query_type' => 'default'),
    'current_user_only' => array(
        'query_type' => 'default',
        'db_field' => array('assigned_user_id'),
        'my_items' => true,
        'vname' => 'LBL_CURRENT_USER_FILTER',
        'type' => 'bool',
    ),
    'assigned_user_id' => array('query_type' => 'default'),
    'range_occurred_at' => array('query_type' => 'default', 'enable_range_search' => true, 'is_date_field' => true),
    'start_range_occurred_at' => array(
        'query_type' => 'default',
        'enable_range_search' => true,
        'is_date_field' => true,
    ),
    'end_range_occurred_at' => array(
        'query_type' => 'default',
        'enable_range_search' => true,
        'is_date_field' => true,
    ),
);
