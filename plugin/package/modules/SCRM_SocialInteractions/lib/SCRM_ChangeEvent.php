<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

/**
 * Change events and the notices that carry them to the SocialCRM service.
 *
 * An event says which record was created, updated or deleted, by whom, and which fields
 * changed (names only, never values). A notice is one signed POST carrying every event of one
 * SuiteCRM request (a mass update of 50 Calls is one notice of 50 events), plus how many more
 * changes that request made and could not send, so the service knows to reconcile them.
 * Pure functions of the bean and the clock; SCRM_ChangeNotifier queues and sends them.
 */
class SCRM_ChangeEvent
{
    const SCHEMA = 2;
    /** A notice body stays under the service's 64 KiB limit. */
    const MAX_NOTICE_BYTES = 60000;

    /** Fields every save touches; reporting them would say nothing. */
    private static $bookkeeping = array(
        'id', 'deleted', 'date_entered', 'date_modified', 'created_by', 'modified_user_id',
    );
    private static $numericTypes = array(
        'int', 'long', 'ulong', 'short', 'tinyint', 'uint', 'decimal', 'float', 'double', 'currency',
    );

    /**
     * @param int|null $now unix time of the change (defaults to now)
     * @param string|null $assignedUserId the record's assignee when the bean no longer holds it
     *     (deleting a record unlinks its assigned user before the after_delete hooks run)
     * @return array the event, keys in the order of the wire format
     */
    public static function build($bean, $action, $now = null, $eventId = null, $assignedUserId = null)
    {
        $module = !empty($bean->module_dir) ? $bean->module_dir : (isset($bean->module_name) ? $bean->module_name : '');
        $modifiedBy = self::idOrNull($bean, 'modified_user_id');
        if ($action === 'delete' && isset($GLOBALS['current_user']->id) && $GLOBALS['current_user']->id !== '') {
            $modifiedBy = (string) $GLOBALS['current_user']->id;
        }
        return array(
            'event_id' => $eventId !== null ? (string) $eventId : self::uuid4(),
            'module' => (string) $module,
            'record_id' => isset($bean->id) ? (string) $bean->id : '',
            'action' => $action,
            'changed_fields' => $action === 'delete' ? array() : self::changedFields($bean, $action === 'create'),
            'assigned_user_id' => $assignedUserId !== null && $assignedUserId !== ''
                ? (string) $assignedUserId : self::idOrNull($bean, 'assigned_user_id'),
            'modified_user_id' => $modifiedBy,
            'occurred_at' => gmdate('Y-m-d\TH:i:s\Z', $now === null ? time() : (int) $now),
        );
    }

    /**
     * Names of the stored fields that changed (update) or carry a value (create), sorted.
     * A field the bean does not hold (null) counts as not loaded, not as cleared.
     */
    public static function changedFields($bean, $isCreate)
    {
        $defs = isset($bean->field_defs) && is_array($bean->field_defs) ? $bean->field_defs : array();
        $fetched = isset($bean->fetched_row) && is_array($bean->fetched_row) ? $bean->fetched_row : array();
        $names = array();
        foreach ($defs as $name => $def) {
            if (!is_array($def) || in_array($name, self::$bookkeeping, true)) {
                continue;
            }
            $type = isset($def['type']) ? (string) $def['type'] : '';
            if ((isset($def['source']) && $def['source'] === 'non-db') || $type === 'link') {
                continue;
            }
            $value = isset($bean->$name) ? $bean->$name : null;
            if ($isCreate) {
                if ($value !== null && $value !== '' && $value !== false && !self::isNullMarker($type, $value)) {
                    $names[] = (string) $name;
                }
            } elseif ($value !== null && array_key_exists($name, $fetched)
                && !self::sameValue($type, $fetched[$name], $value)) {
                $names[] = (string) $name;
            }
        }
        sort($names, SORT_STRING);
        return $names;
    }

    /**
     * A notice carrying these events; $unsent counts the request's other changes that no
     * notice will carry.
     */
    public static function notice(array $events, $unsent = 0, $noticeId = null)
    {
        return array(
            'schema' => self::SCHEMA,
            'notice_id' => $noticeId !== null ? (string) $noticeId : self::uuid4(),
            'events' => array_values($events),
            'unsent' => (int) $unsent,
        );
    }

    /**
     * Split events into batches whose notices stay under MAX_NOTICE_BYTES, in order.
     *
     * @return array[] lists of events
     */
    public static function batches(array $events)
    {
        $overhead = strlen((string) self::encode(self::notice(array(), PHP_INT_MAX)));
        $batches = array();
        $current = array();
        $size = $overhead;
        foreach (array_values($events) as $event) {
            $bytes = strlen((string) self::encode($event)) + 1;
            if (!empty($current) && $size + $bytes > self::MAX_NOTICE_BYTES) {
                $batches[] = $current;
                $current = array();
                $size = $overhead;
            }
            $current[] = $event;
            $size += $bytes;
        }
        if (!empty($current)) {
            $batches[] = $current;
        }
        return $batches;
    }

    public static function encode(array $value)
    {
        $json = json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
        return $json === false ? null : $json;
    }

    /**
     * "sha256=" + hex HMAC-SHA256, under the shared secret, of "<timestamp>.<body>": the decimal
     * Unix time sent as X-SocialCRM-Timestamp, a dot, the exact body bytes (Stripe's scheme).
     * Signing the time with the body lets the service refuse a captured notice replayed later;
     * tests/crm_notice_signature_vectors.json pins it for this class and plugin.crm_events.
     */
    public static function sign($body, $secret, $timestamp)
    {
        return 'sha256=' . hash_hmac('sha256', (int) $timestamp . '.' . (string) $body, (string) $secret);
    }

    /** @return string[] */
    public static function headers($body, $secret, $noticeId, $timestamp)
    {
        $timestamp = (int) $timestamp;
        return array(
            'Content-Type: application/json',
            'X-SocialCRM-Notice-Id: ' . $noticeId,
            'X-SocialCRM-Timestamp: ' . $timestamp,
            'X-SocialCRM-Signature: ' . self::sign($body, $secret, $timestamp),
            'User-Agent: SocialCRM-SuiteCRM/' . self::SCHEMA,
        );
    }

    public static function merge(array $earlier, array $later)
    {
        $merged = $later;
        $merged['event_id'] = $earlier['event_id'];
        if ($later['action'] === 'delete' || $earlier['action'] === 'delete') {
            return $merged;
        }
        if ($earlier['action'] === 'create') {
            $merged['action'] = 'create';
        }
        $fields = array_values(array_unique(array_merge($earlier['changed_fields'], $later['changed_fields'])));
        sort($fields, SORT_STRING);
        $merged['changed_fields'] = $fields;
        return $merged;
    }

    private static function sameValue($type, $old, $new)
    {
        if ($type === 'bool') {
            return self::truthy($old) === self::truthy($new);
        }
        $oldText = self::isNullMarker($type, $old) ? '' : self::text($old);
        $newText = self::isNullMarker($type, $new) ? '' : self::text($new);
        if (in_array($type, self::$numericTypes, true) && is_numeric($oldText) && is_numeric($newText)) {
            return abs((float) $oldText - (float) $newText) < 1e-9;
        }
        return $oldText === $newText;
    }

    /**
     * SuiteCRM writes the string 'NULL' into a bean for an empty number or date it stored as
     * NULL (DynamicField::save does it for every empty custom number field), so after a save
     * an empty field would look changed from the NULL it was loaded with.
     */
    private static function isNullMarker($type, $value)
    {
        return $value === 'NULL' && (in_array($type, self::$numericTypes, true)
            || in_array($type, array('date', 'datetime', 'datetimecombo', 'time'), true));
    }

    private static function truthy($value)
    {
        if (is_bool($value)) {
            return $value;
        }
        return in_array(strtolower(trim((string) $value)), array('1', 'true', 'on', 'yes'), true);
    }

    private static function text($value)
    {
        if ($value === null || is_array($value) || is_object($value)) {
            return '';
        }
        if (is_bool($value)) {
            return $value ? '1' : '0';
        }
        return trim(html_entity_decode((string) $value, ENT_QUOTES, 'UTF-8'));
    }

    private static function idOrNull($bean, $field)
    {
        return isset($bean->$field) && (string) $bean->$field !== '' ? (string) $bean->$field : null;
    }

    private static function uuid4()
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr((ord($bytes[6]) & 0x0f) | 0x40);
        $bytes[8] = chr((ord($bytes[8]) & 0x3f) | 0x80);
        $hex = bin2hex($bytes);
        return sprintf('%s-%s-%s-%s-%s', substr($hex, 0, 8), substr($hex, 8, 4), substr($hex, 12, 4),
            substr($hex, 16, 4), substr($hex, 20));
    }
}
