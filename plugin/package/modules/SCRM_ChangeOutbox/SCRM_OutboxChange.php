<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

if (!class_exists('Basic')) {
    require_once 'include/SugarObjects/templates/basic/Basic.php';
}

/**
 * A row of the change outbox, as the REST API serves it to the SocialCRM service.
 *
 * Rows are written by SCRM_OutboxWriter (one INSERT, never through save(), so no logic hook
 * runs for them) and read and deleted by the service over V8. Three differences from an
 * ordinary bean:
 * - only administrators reach it (the service account acts as one): a row names records and
 *   users a rep may not be allowed to see, and deleting one would hide a change from the
 *   service; there are no role actions to grant (bean_implements('ACL') is false);
 * - deleting a row removes it together with every older row: the outbox is a queue the
 *   service prunes from its oldest end, and one DELETE call of its newest applied row then
 *   prunes any number of rows (one call per row cost the real SuiteCRM as much as the
 *   change itself); rows kept with deleted = 1 would only make the table grow;
 * - it has no screens and no tab.
 */
#[\AllowDynamicProperties]
class SCRM_OutboxChange extends Basic
{
    public $new_schema = true;
    public $module_dir = 'SCRM_ChangeOutbox';
    public $object_name = 'SCRM_OutboxChange';
    public $table_name = 'scrm_change_outbox';
    public $importable = false;
    public $disable_row_level_security = true;

    public $sequence;
    public $record_module;
    public $record_id;
    public $action;
    public $changed_fields;
    public $record_assigned_user_id;
    public $record_date_modified;
    public $occurred_at;

    public function bean_implements($interface)
    {
        return false;
    }

    /** Administrators only, whatever the action (see the class comment). */
    public function ACLAccess($view, $is_owner = 'not_set', $in_group = 'not_set')
    {
        $user = isset($GLOBALS['current_user']) ? $GLOBALS['current_user'] : null;
        return is_object($user) && method_exists($user, 'isAdmin') && $user->isAdmin();
    }

    /**
     * Remove the row and every older one (V8's DELETE calls this; see the class comment).
     * No logic hook runs: nothing follows the outbox, and the rows are the service's own
     * bookkeeping. A failure is an error answer, so the service prunes again later.
     */
    public function mark_deleted($id)
    {
        $row = $this->db->fetchOne(
            'SELECT sequence FROM ' . $this->table_name . ' WHERE id = ' . $this->db->quoted((string) $id)
        );
        if (empty($row)) {
            return; // gone already: pruned with a newer row
        }
        $done = $this->db->query(
            'DELETE FROM ' . $this->table_name . ' WHERE sequence <= ' . (int) $row['sequence']
        );
        if ($done === false) {
            throw new RuntimeException('SocialCRM: the change outbox rows could not be removed');
        }
    }
}
