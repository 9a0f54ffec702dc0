<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once __DIR__ . '/SCRM_Config.php';
require_once __DIR__ . '/SCRM_Http.php';

/**
 * Builds and sends the signed change events behind SocialCRM's logic hooks.
 *
 * The hook methods only queue an event (record ids and changed field names, never field
 * values). The queue is sent once per request by a shutdown function, after the response
 * has gone to the browser where PHP-FPM allows it, with short timeouts. Nothing here may
 * throw into SuiteCRM: a failure is logged without the secret and dropped, and the
 * service repairs any gap with its periodic reconcile by date_modified.
 */
class SCRM_ChangeNotifier
{
    const SCHEMA = 1;
    const WEBHOOK_PATH = '/webhooks/suitecrm';
    const MAX_EVENTS_PER_REQUEST = 200;
    const SEND_BUDGET_SECONDS = 5.0;

    /** Fields every save touches; reporting them would say nothing. */
    private static $bookkeeping = array(
        'id', 'deleted', 'date_entered', 'date_modified', 'created_by', 'modified_user_id',
    );
    private static $numericTypes = array(
        'int', 'long', 'ulong', 'short', 'tinyint', 'uint', 'decimal', 'float', 'double', 'currency',
    );

    /** @var array<string,array> pending events by "module/id", one per record */
    private static $pending = array();
    private static $shutdownRegistered = false;
    /** @var SCRM_Config|false|null null: not read yet; false: unusable this request */
    private static $config = null;
    /** @var SCRM_Http|null replaceable transport (tests use short timeouts) */
    public static $http = null;

    /** after_save hook. */
    public function afterSave($bean, $event = '', $arguments = array())
    {
        self::guard(function () use ($bean) {
            self::queue($bean, self::isNewRecord($bean) ? 'create' : 'update');
        });
    }

    /** after_delete hook. */
    public function afterDelete($bean, $event = '', $arguments = array())
    {
        self::guard(function () use ($bean) {
            self::queue($bean, 'delete');
        });
    }

    /**
     * SugarBean keeps the row it loaded in fetched_row until after the after_save hooks,
     * and new_with_id marks a create with a caller-chosen id.
     */
    public static function isNewRecord($bean)
    {
        return !empty($bean->new_with_id) || empty($bean->fetched_row);
    }

    public static function queue($bean, $action)
    {
        if (self::config() === null) {
            return;
        }
        $event = self::buildEvent($bean, $action);
        if ($event['module'] === '' || $event['record_id'] === '') {
            self::log('debug', 'SocialCRM: change event skipped: the record has no module or id');
            return;
        }
        if ($action === 'update' && empty($event['changed_fields'])) {
            return;
        }
        $key = $event['module'] . '/' . $event['record_id'];
        self::$pending[$key] = isset(self::$pending[$key]) ? self::merge(self::$pending[$key], $event) : $event;
        if (!self::$shutdownRegistered) {
            register_shutdown_function(array(__CLASS__, 'sendAtShutdown'));
            self::$shutdownRegistered = true;
        }
    }

    /**
     * @param int|null $now unix time of the change (defaults to now)
     * @return array the event, keys in the order of the wire format
     */
    public static function buildEvent($bean, $action, $now = null, $eventId = null)
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

    /** Shutdown function: finish the response first, then send. */
    public static function sendAtShutdown()
    {
        self::guard(function () {
            if (empty(self::$pending)) {
                return;
            }
            ignore_user_abort(true);
            if (function_exists('fastcgi_finish_request')) {
                if (session_status() === PHP_SESSION_ACTIVE) {
                    session_write_close();
                }
                fastcgi_finish_request();
            }
            self::flush();
        });
    }

    /**
     * Send what is queued. Stops at the first transport failure: the service is down or
     * slow, and trying the rest would only hold this PHP worker longer.
     *
     * @return array{sent:int,failed:int,dropped:int}
     */
    public static function flush()
    {
        $events = array_values(self::$pending);
        self::$pending = array();
        $summary = array('sent' => 0, 'failed' => 0, 'dropped' => 0);
        $config = self::config();
        if ($config === null || empty($events)) {
            $summary['dropped'] = count($events);
            return $summary;
        }
        $http = self::$http instanceof SCRM_Http ? self::$http : new SCRM_Http();
        $url = $config->serviceUrl . self::WEBHOOK_PATH;
        $deadline = microtime(true) + self::SEND_BUDGET_SECONDS;
        foreach ($events as $index => $event) {
            if ($index >= self::MAX_EVENTS_PER_REQUEST || microtime(true) > $deadline) {
                $summary['dropped'] = count($events) - $index;
                self::log('warn', sprintf(
                    'SocialCRM: %d change event(s) not sent in this request (limit reached); '
                    . 'the service reconciles them later',
                    $summary['dropped']
                ));
                break;
            }
            $body = self::encode($event);
            $result = $body === null ? array('status' => 0, 'error' => 'event could not be encoded')
                : $http->post($url, $body, self::headers($body, $config->secret, $event['event_id'], time()));
            if ($result['status'] >= 200 && $result['status'] < 300) {
                $summary['sent']++;
                continue;
            }
            $summary['failed']++;
            $what = sprintf('change event %s (%s %s %s)', $event['event_id'], $event['action'], $event['module'], $event['record_id']);
            if ($result['status'] !== 0) {
                self::log('warn', sprintf(
                    'SocialCRM: %s refused by %s with HTTP %d; the service reconciles it later',
                    $what,
                    SCRM_Config::describeUrl($url),
                    $result['status']
                ));
                continue;
            }
            $summary['dropped'] = count($events) - $index - 1;
            self::log('warn', sprintf(
                'SocialCRM: %s not delivered to %s: %s; %d more not tried in this request; '
                . 'the service reconciles them later',
                $what,
                SCRM_Config::describeUrl($url),
                $result['error'],
                $summary['dropped']
            ));
            break;
        }
        return $summary;
    }

    /** @return array[] the queued events (for the settings page and tests) */
    public static function pending()
    {
        return array_values(self::$pending);
    }

    /** Read the settings again on next use (after the settings page saved them). */
    public static function forgetSettings()
    {
        self::$config = null;
    }

    private static function config()
    {
        if (self::$config === null) {
            try {
                $config = SCRM_Config::load();
                self::$config = $config->isComplete() ? $config : false;
                if (!$config->isComplete()) {
                    self::log('debug', 'SocialCRM: no service URL or secret set; change events are off');
                }
            } catch (\Throwable $error) {
                self::$config = false;
                self::log('error', 'SocialCRM: settings unreadable, change events are off for this request: '
                    . get_class($error) . ': ' . $error->getMessage());
            }
        }
        return self::$config === false ? null : self::$config;
    }

    private static function merge(array $earlier, array $later)
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

    private static function guard($work)
    {
        try {
            $work();
        } catch (\Throwable $error) {
            self::log('error', 'SocialCRM: change event skipped after an internal error: '
                . get_class($error) . ': ' . $error->getMessage());
        }
    }

    private static function log($level, $message)
    {
        try {
            $logger = isset($GLOBALS['log']) ? $GLOBALS['log'] : null;
            if (!is_object($logger)) {
                return;
            }
            if (self::$config instanceof SCRM_Config && self::$config->secret !== '') {
                $message = str_replace(self::$config->secret, '[secret]', $message);
            }
            $logger->$level($message);
        } catch (\Throwable $ignored) {
            return;
        }
    }
}
