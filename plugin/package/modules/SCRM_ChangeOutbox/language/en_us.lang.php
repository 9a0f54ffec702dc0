<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$mod_strings = array(
    'LBL_MODULE_NAME' => 'Change Outbox',
    'LBL_MODULE_TITLE' => 'Change Outbox',
    'LBL_MODULE_ID' => 'SCRM_ChangeOutbox',
    'LBL_OBJECT_NAME' => 'Change Outbox Entry',
    'LBL_LIST_FORM_TITLE' => 'Change Outbox',

    'LBL_SCRM_SEQUENCE' => 'Sequence',
    'LBL_SCRM_RECORD_MODULE' => 'Module',
    'LBL_SCRM_RECORD_ID' => 'Record ID',
    'LBL_SCRM_ACTION' => 'Action',
    'LBL_SCRM_CHANGED_FIELDS' => 'Changed fields',
    'LBL_SCRM_RECORD_ASSIGNED_USER_ID' => 'Assigned user ID',
    'LBL_SCRM_RECORD_DATE_MODIFIED' => 'Record modified',
    'LBL_SCRM_OCCURRED_AT' => 'Occurred at',
);
