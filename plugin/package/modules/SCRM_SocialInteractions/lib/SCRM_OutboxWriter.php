<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

/**
 * Appends each change of a watched record to the change outbox (module SCRM_ChangeOutbox,
 * table scrm_change_outbox), from inside the user's save.
 *
 * The notices (SCRM_ChangeNotifier) cannot be the record of what changed: under Apache mod_php
 * a request sends at most one, a slow service drops them, and nobody lists deleted records
 * later. The outbox can: one row per change, written by the same request that made it, with a
 * sequence number the database gives in order, which the SocialCRM service drains through the
 * REST API from the position it has applied. So a save pays for one INSERT and nothing else:
 * no lookup, no lock, no network. A change is written whether or not the service is configured
 * (a change made before the settings are saved, or while they change, is not lost); the rows of
 * a service that never drains are one small row per change (see docs/plugin.md).
 *
 * Nothing here may break a save: when the table is missing (the package half installed) or
 * the database refuses the row, the error is logged and the save goes on; the service's
 * periodic reconcile repairs what is missing.
 */
class SCRM_OutboxWriter
{
    const MODULE = 'SCRM_ChangeOutbox';
    const OBJECT = 'SCRM_OutboxChange';
    const TABLE = 'scrm_change_outbox';

    /** @var array|false|null the outbox's field definitions; false: not installed; null: not read yet */
    private static $fields = null;

    /**
     * Append the row of one change event (SCRM_ChangeEvent::build).
     *
     * @param array $event the change event; its event_id becomes the row's id
     * @param string|null $recordDateModified the record's date_modified as this change stored it
     *     (UTC "Y-m-d H:i:s"), a delete by save's included, so the service knows its own write
     *     by the date V8 answered; when it is missing (mark_deleted), the event's time
     * @return bool whether the row was written
     */
    public static function append(array $event, $recordDateModified = null)
    {
        try {
            $db = isset($GLOBALS['db']) ? $GLOBALS['db'] : null;
            if (!is_object($db)) {
                return false;
            }
            $fields = self::fields();
            if ($fields === false) {
                return false;
            }
            if ($db->insertParams(self::TABLE, $fields, self::row($event, $recordDateModified)) === false) {
                self::log('SocialCRM: the change outbox refused a row for ' . $event['module'] . ' '
                    . $event['record_id'] . '; the service reconciles it later');
                return false;
            }
            return true;
        } catch (\Throwable $error) {
            self::log('SocialCRM: change outbox row not written: ' . get_class($error) . ': '
                . $error->getMessage());
            return false;
        }
    }

    /**
     * The row's columns (pure: the tests read it). The row's own modified_user_id and
     * created_by are the user who made the change.
     */
    public static function row(array $event, $recordDateModified = null)
    {
        $now = gmdate('Y-m-d H:i:s');
        $action = (string) $event['action'];
        return array(
            'id' => (string) $event['event_id'],
            'name' => substr($event['module'] . ' ' . $action . ' ' . $event['record_id'], 0, 255),
            'date_entered' => $now,
            'date_modified' => $now,
            'modified_user_id' => $event['modified_user_id'],
            'created_by' => $event['modified_user_id'],
            'deleted' => 0,
            'record_module' => (string) $event['module'],
            'record_id' => (string) $event['record_id'],
            'action' => $action,
            'changed_fields' => implode(',', $event['changed_fields']),
            'record_assigned_user_id' => $event['assigned_user_id'],
            'record_date_modified' => self::isDbDatetime($recordDateModified)
                ? str_replace(' ', 'T', (string) $recordDateModified) . 'Z' : $event['occurred_at'],
            'occurred_at' => $event['occurred_at'],
        );
    }

    /** Forget the field definitions (the tests install and remove the outbox). */
    public static function reset()
    {
        self::$fields = null;
    }

    /**
     * The outbox's vardefs, as SuiteCRM loads them for the bean (cached per request): the
     * INSERT is built by SuiteCRM's own DBManager::insertParams from them, which quotes each
     * value for its column and leaves the sequence to the database.
     */
    private static function fields()
    {
        if (self::$fields === null) {
            if (!isset($GLOBALS['dictionary'][self::OBJECT]['fields']) && class_exists('VardefManager')) {
                VardefManager::loadVardef(self::MODULE, self::OBJECT);
            }
            self::$fields = isset($GLOBALS['dictionary'][self::OBJECT]['fields'])
                && is_array($GLOBALS['dictionary'][self::OBJECT]['fields'])
                ? $GLOBALS['dictionary'][self::OBJECT]['fields'] : false;
            if (self::$fields === false) {
                self::log('SocialCRM: the change outbox is not installed (no SCRM_ChangeOutbox vardefs); '
                    . 'reinstall the package');
            }
        }
        return self::$fields;
    }

    private static function isDbDatetime($value)
    {
        return is_string($value) && preg_match('/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/', $value) === 1;
    }

    private static function log($message)
    {
        $logger = isset($GLOBALS['log']) ? $GLOBALS['log'] : null;
        if (is_object($logger)) {
            $logger->error($message);
        }
    }
}
