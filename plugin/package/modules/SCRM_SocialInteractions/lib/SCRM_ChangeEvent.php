<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

/**
 * One change event: what SuiteCRM tells the SocialCRM service about a saved or deleted
 * record (ids and changed field names, never field values), its JSON body and signature.
 * Pure functions of the bean and the clock; SCRM_ChangeNotifier queues and sends them.
 */
class SCRM_ChangeEvent
{
    const SCHEMA = 1;

    /** Fields every save touches; reporting them would say nothing. */
    private static $bookkeeping = array(
        'id', 'deleted', 'date_entered', 'date_modified', 'created_by', 'modified_user_id',
    );
    private static $numericTypes = array(
        'int', 'long', 'ulong', 'short', 'tinyint', 'uint', 'decimal', 'float', 'double', 'currency',
    );

    /**
     * @param int|null $now unix time of the change (defaults to now)
     * @return array the event, keys in the order of the wire format
     */
    public static function build($bean, $action, $now = null, $eventId = null)
    {
        $module = !empty($bean->module_dir) ? $bean->module_dir : (isset($bean->module_name) ? $bean->module_name : '');
        $modifiedBy = self::idOrNull($bean, 'modified_user_id');
        if ($action === 'delete' && isset($GLOBALS['current_user']->id) && $GLOBALS['current_user']->id !== '') {
            $modifiedBy = (string) $GLOBALS['current_user']->id;
        }
        return array(
            'schema' => self::SCHEMA,
            'event_id' => $eventId !== null ? (string) $eventId : self::uuid4(),
            'module' => (string) $module,
            'record_id' => isset($bean->id) ? (string) $bean->id : '',
            'action' => $action,
            'changed_fields' => $action === 'delete' ? array() : self::changedFields($bean, $action === 'create'),
            'assigned_user_id' => self::idOrNull($bean, 'assigned_user_id'),
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
                if ($value !== null && $value !== '' && $value !== false) {
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

    public static function encode(array $event)
    {
        $json = json_encode($event, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
        return $json === false ? null : $json;
    }

    /** "sha256=" + hex HMAC-SHA256 of the exact body bytes. */
    public static function sign($body, $secret)
    {
        return 'sha256=' . hash_hmac('sha256', (string) $body, (string) $secret);
    }

    /** @return string[] */
    public static function headers($body, $secret, $eventId, $timestamp)
    {
        return array(
            'Content-Type: application/json',
            'X-SocialCRM-Event-Id: ' . $eventId,
            'X-SocialCRM-Signature: ' . self::sign($body, $secret),
            'X-SocialCRM-Timestamp: ' . (int) $timestamp,
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
        $oldText = self::text($old);
        $newText = self::text($new);
        if (in_array($type, self::$numericTypes, true) && is_numeric($oldText) && is_numeric($newText)) {
            return abs((float) $oldText - (float) $newText) < 1e-9;
        }
        return $oldText === $newText;
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
