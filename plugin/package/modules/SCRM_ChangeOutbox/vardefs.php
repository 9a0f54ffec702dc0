<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}
/*
 * The change outbox: one row per change of a record the SocialCRM service follows, appended by
 * the package's logic hooks (SCRM_OutboxWriter, a single INSERT inside the user's save) and
 * drained in order by the service through the REST API, which then deletes what it has applied.
 *
 * - sequence is numbered by the database (auto_increment, as Cases' case_number), so the order
 *   holds across concurrent requests; the plain index on it is the one MySQL requires for an
 *   auto-increment column, and what the service reads by (sequence > its position).
 * - The row's own modified_user_id and created_by are the user who made the change.
 * - record_date_modified and occurred_at are ISO 8601 UTC with seconds ("2026-11-22T08:03:51Z"):
 *   text, because the REST API answers a datetime field cut to the minute.
 * - Nothing here is a field value of the changed record: names of fields, ids and times only.
 */

$dictionary['SCRM_OutboxChange'] = array(
    'table' => 'scrm_change_outbox',
    'audited' => false,
    'inline_edit' => false,
    'duplicate_merge' => false,
    'unified_search' => false,
    'full_text_search' => false,
    'optimistic_locking' => false,
    'fields' => array(
        'sequence' => array(
            'name' => 'sequence',
            'vname' => 'LBL_SCRM_SEQUENCE',
            'type' => 'int',
            'len' => 11,
            'required' => true,
            'auto_increment' => true,
            'readonly' => true,
            'disable_num_format' => true,
            'massupdate' => false,
            'comment' => 'Order of the changes, numbered by the database',
        ),
        'record_module' => array(
            'name' => 'record_module',
            'vname' => 'LBL_SCRM_RECORD_MODULE',
            'type' => 'varchar',
            'len' => 100,
            'required' => true,
            'comment' => 'Module of the changed record (Calls, Cases, ...)',
        ),
        'record_id' => array(
            'name' => 'record_id',
            'vname' => 'LBL_SCRM_RECORD_ID',
            'type' => 'id',
            'dbType' => 'id',
            'required' => true,
        ),
        'action' => array(
            'name' => 'action',
            'vname' => 'LBL_SCRM_ACTION',
            'type' => 'varchar',
            'len' => 10,
            'required' => true,
            'comment' => 'create, update or delete',
        ),
        'changed_fields' => array(
            'name' => 'changed_fields',
            'vname' => 'LBL_SCRM_CHANGED_FIELDS',
            'type' => 'text',
            'comment' => 'Names of the fields a create set or an update changed, comma-separated; never values',
        ),
        'record_assigned_user_id' => array(
            'name' => 'record_assigned_user_id',
            'vname' => 'LBL_SCRM_RECORD_ASSIGNED_USER_ID',
            'type' => 'id',
            'dbType' => 'id',
        ),
        'record_date_modified' => array(
            'name' => 'record_date_modified',
            'vname' => 'LBL_SCRM_RECORD_DATE_MODIFIED',
            'type' => 'varchar',
            'len' => 20,
            'comment' => 'The changed record\'s date_modified after the change, ISO 8601 UTC',
        ),
        'occurred_at' => array(
            'name' => 'occurred_at',
            'vname' => 'LBL_SCRM_OCCURRED_AT',
            'type' => 'varchar',
            'len' => 20,
            'comment' => 'When the hook ran, ISO 8601 UTC',
        ),
    ),
    'indices' => array(
        array('name' => 'idx_scrm_outbox_sequence', 'type' => 'index', 'fields' => array('sequence')),
    ),
);

if (!class_exists('VardefManager')) {
    require_once 'include/SugarObjects/VardefManager.php';
}
VardefManager::createVardef('SCRM_ChangeOutbox', 'SCRM_OutboxChange', array('basic'));
