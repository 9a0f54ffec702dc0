<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once __DIR__ . '/SCRM_Config.php';
require_once __DIR__ . '/SCRM_Http.php';
require_once __DIR__ . '/SCRM_ChangeEvent.php';
require_once __DIR__ . '/SCRM_OutboxWriter.php';

/**
 * Queues and sends the signed change notices (SCRM_ChangeEvent) behind SocialCRM's logic hooks,
 * and appends every change to the change outbox (SCRM_OutboxWriter) first.
 *
 * The outbox row is the record of the change: one INSERT inside the save, drained in order by
 * the service. The notice only wakes the service up so that it drains at once.
 *
 * The hook methods only queue an event (record ids and changed field names, never field
 * values). The queue is sent once per request by a shutdown function, as one notice carrying
 * every event of the request (split only when a notice would pass 60 KB). How much it may send
 * depends on whether somebody waits for it (see deliveryPlan()): under PHP-FPM (or LiteSpeed)
 * the response is finished first and the browser does not wait; under Apache's mod_php the
 * shutdown function runs before the response ends, so the user waits, and one notice is sent
 * with very short timeouts. A notice says how many of the request's changes it could not carry
 * ("unsent"), so the service knows to reconcile. Nothing here may throw into SuiteCRM: a failure
 * is logged without the secret and dropped, and the service repairs any gap with its periodic
 * reconcile.
 */
class SCRM_ChangeNotifier
{
    const WEBHOOK_PATH = '/webhooks/suitecrm';
    const MAX_NOTICES_PER_REQUEST = 5;
    const SEND_BUDGET_SECONDS = 5.0;
    const IN_REQUEST_MAX_NOTICES = 1;
    const IN_REQUEST_CONNECT_SECONDS = 0.3;
    const IN_REQUEST_TOTAL_SECONDS = 0.8;
    /** More changes than this in one request (a huge mass update) are only counted. */
    const MAX_PENDING_EVENTS = 1000;

    /** @var array<string,array> pending events by "module/id", one per record */
    private static $pending = array();
    /** @var array<string,string> assignee of each record being deleted, by "module/id" */
    private static $assignedBeforeDelete = array();
    /** @var int changes beyond MAX_PENDING_EVENTS in this request */
    private static $overflow = 0;
    private static $shutdownRegistered = false;
    /** @var SCRM_Config|false|null null: not read yet; false: unusable this request */
    private static $config = null;
    /** @var SCRM_Http|null replaceable transport (tests use short timeouts) */
    public static $http = null;
    /** @var string|null PHP's server API name; null means PHP_SAPI (tests set another) */
    public static $sapi = null;
    /** @var array|null mode, event limit and timeouts the last flush() sent with */
    public static $lastDelivery = null;

    /** after_save hook. */
    public function afterSave($bean, $event = '', $arguments = array())
    {
        try {
            self::queue($bean, self::isDeletedBySave($bean) ? 'delete'
                : (self::isNewRecord($bean) ? 'create' : 'update'),
                isset($bean->date_modified) ? $bean->date_modified : null);
        } catch (\Throwable $error) {
            self::internalError($error);
        }
    }

    /**
     * before_delete hook: SugarBean::mark_deleted unlinks the record's relationships, the
     * assigned user among them, before the after_delete hooks run; remember who it was.
     */
    public function beforeDelete($bean, $event = '', $arguments = array())
    {
        try {
            $key = self::key($bean);
            if ($key !== null && isset($bean->assigned_user_id) && (string) $bean->assigned_user_id !== '') {
                self::$assignedBeforeDelete[$key] = (string) $bean->assigned_user_id;
            }
        } catch (\Throwable $error) {
            self::internalError($error);
        }
    }

    /**
     * after_delete hook. SugarBean::mark_deleted stamps the row's date_modified in its UPDATE
     * and leaves the bean's the one it loaded, so the row is stamped with the event's time.
     */
    public function afterDelete($bean, $event = '', $arguments = array())
    {
        try {
            self::queue($bean, 'delete', null);
        } catch (\Throwable $error) {
            self::internalError($error);
        }
    }

    private static function key($bean)
    {
        $module = !empty($bean->module_dir) ? (string) $bean->module_dir : '';
        $id = isset($bean->id) ? (string) $bean->id : '';
        return $module === '' || $id === '' ? null : "$module/$id";
    }

    /**
     * SugarBean keeps the row it loaded in fetched_row until after the after_save hooks,
     * and new_with_id marks a create with a caller-chosen id.
     */
    public static function isNewRecord($bean)
    {
        return !empty($bean->new_with_id) || empty($bean->fetched_row);
    }

    /**
     * A save that sets deleted = 1 (V8's PATCH with "deleted": 1 does, without mark_deleted and
     * its delete hooks) deletes the record.
     */
    public static function isDeletedBySave($bean)
    {
        $was = is_array($bean->fetched_row) && isset($bean->fetched_row['deleted'])
            ? $bean->fetched_row['deleted'] : 0;
        return self::truthy(isset($bean->deleted) ? $bean->deleted : 0) && !self::truthy($was);
    }

    private static function truthy($value)
    {
        return in_array(strtolower(trim((string) $value)), array('1', 'true', 'on', 'yes'), true);
    }

    /**
     * Append the change to the outbox, then queue its event for this request's notice (when the
     * service is configured). A save that changed nothing is neither.
     *
     * @param string|null $recordDateModified the date_modified this change stored (a save's,
     *     a delete by save's included); null when the bean does not hold it (mark_deleted)
     */
    public static function queue($bean, $action, $recordDateModified)
    {
        $assigned = null;
        $key = self::key($bean);
        if ($action === 'delete' && $key !== null && isset(self::$assignedBeforeDelete[$key])) {
            $assigned = self::$assignedBeforeDelete[$key];
            unset(self::$assignedBeforeDelete[$key]);
        }
        $event = SCRM_ChangeEvent::build($bean, $action, null, null, $assigned);
        if ($event['module'] === '' || $event['record_id'] === '') {
            self::log('debug', 'SocialCRM: change event skipped: the record has no module or id');
            return;
        }
        if ($action === 'update' && empty($event['changed_fields'])) {
            return;
        }
        SCRM_OutboxWriter::append($event, $recordDateModified);
        if (self::config() === null) {
            return;
        }
        $key = $event['module'] . '/' . $event['record_id'];
        if (!isset(self::$pending[$key]) && count(self::$pending) >= self::MAX_PENDING_EVENTS) {
            self::$overflow++;
            return;
        }
        self::$pending[$key] = isset(self::$pending[$key]) ? SCRM_ChangeEvent::merge(self::$pending[$key], $event) : $event;
        if (!self::$shutdownRegistered) {
            register_shutdown_function(array(__CLASS__, 'sendAtShutdown'));
            self::$shutdownRegistered = true;
        }
    }

    /**
     * How this request may send its notices.
     *
     * - 'after_response': PHP-FPM (fastcgi_finish_request) or LiteSpeed
     *   (litespeed_finish_request) ends the response first; nobody waits, so up to 5 notices
     *   go within a 5 s budget, each with the transport's own timeouts (0.5 s / 2 s).
     * - 'no_browser': the command line (cron.php, scheduler jobs); nobody waits either.
     * - 'in_request': any other server API, Apache's mod_php above all. Shutdown functions run
     *   before the response is complete, so the user waits for what is sent: one notice (all
     *   the request's changes that fit in it), with 0.3 s to connect and 0.8 s in all.
     *
     * @param string $sapi PHP's server API name (PHP_SAPI)
     * @param bool $canFinishEarly whether this server can end the response before sending
     * @return array{mode:string,max_notices:int,connect:float|null,total:float|null,budget:float}
     *     connect/total null mean the transport's own timeouts
     */
    public static function deliveryPlan($sapi, $canFinishEarly)
    {
        if ($canFinishEarly || $sapi === 'cli' || $sapi === 'phpdbg') {
            return array(
                'mode' => $canFinishEarly ? 'after_response' : 'no_browser',
                'max_notices' => self::MAX_NOTICES_PER_REQUEST,
                'connect' => null,
                'total' => null,
                'budget' => self::SEND_BUDGET_SECONDS,
            );
        }
        return array(
            'mode' => 'in_request',
            'max_notices' => self::IN_REQUEST_MAX_NOTICES,
            'connect' => self::IN_REQUEST_CONNECT_SECONDS,
            'total' => self::IN_REQUEST_TOTAL_SECONDS,
            'budget' => self::IN_REQUEST_TOTAL_SECONDS,
        );
    }

    /** Shutdown function: end the response where the server allows it, then send. */
    public static function sendAtShutdown()
    {
        try {
            if (empty(self::$pending)) {
                return;
            }
            ignore_user_abort(true);
            $finishes = function_exists('fastcgi_finish_request') || function_exists('litespeed_finish_request');
            $plan = self::deliveryPlan(self::$sapi !== null ? (string) self::$sapi : PHP_SAPI, $finishes);
            if (function_exists('fastcgi_finish_request')) {
                if (session_status() === PHP_SESSION_ACTIVE) {
                    session_write_close();
                }
                fastcgi_finish_request();
            } elseif (function_exists('litespeed_finish_request')) {
                if (session_status() === PHP_SESSION_ACTIVE) {
                    session_write_close();
                }
                litespeed_finish_request();
            }
            self::flush($plan);
        } catch (\Throwable $error) {
            self::internalError($error);
        }
    }

    /**
     * Send what is queued, within the plan's limits (by default those of 'after_response').
     * Stops at the first transport failure: the service is down or slow, and trying the rest
     * would only hold this PHP worker, or the user, longer. Counts are in events.
     *
     * @param array|null $plan from deliveryPlan()
     * @return array{sent:int,failed:int,dropped:int}
     */
    public static function flush($plan = null)
    {
        $plan = is_array($plan) ? $plan : self::deliveryPlan('cli', true);
        $events = array_values(self::$pending);
        $overflow = self::$overflow;
        self::$pending = array();
        self::$assignedBeforeDelete = array();
        self::$overflow = 0;
        $summary = array('sent' => 0, 'failed' => 0, 'dropped' => 0);
        $config = self::config();
        if ($config === null || empty($events)) {
            $summary['dropped'] = count($events);
            return $summary;
        }
        $http = self::$http instanceof SCRM_Http ? self::$http : new SCRM_Http();
        if ($plan['connect'] !== null && $plan['total'] !== null) {
            $http = $http->capped($plan['connect'], $plan['total']);
        }
        self::$lastDelivery = array('mode' => $plan['mode'], 'max_notices' => $plan['max_notices'],
            'connect' => $http->connectTimeout(), 'total' => $http->totalTimeout());
        $url = $config->serviceUrl . self::WEBHOOK_PATH;
        $deadline = microtime(true) + $plan['budget'];
        $batches = SCRM_ChangeEvent::batches($events);
        $sendable = min(count($batches), $plan['max_notices']);
        $carried = 0;
        foreach (array_slice($batches, 0, $sendable) as $batch) {
            $carried += count($batch);
        }
        $notCarried = count($events) - $carried;
        $unsent = $notCarried + $overflow;
        $summary['dropped'] = $notCarried;
        if ($unsent > 0) {
            self::log('warn', sprintf(
                'SocialCRM: %d change event(s) of this request not sent (%s); the notice says so and '
                . 'the service reconciles them',
                $unsent,
                $plan['mode'] === 'in_request'
                    ? sprintf('this PHP server (%s) sends one notice while the user waits',
                        self::$sapi !== null ? (string) self::$sapi : PHP_SAPI)
                    : 'limit reached'
            ));
        }
        foreach (array_slice($batches, 0, $sendable) as $index => $batch) {
            $remaining = count($events) - $summary['sent'] - $summary['failed'] - $summary['dropped'];
            if (microtime(true) > $deadline) {
                $summary['dropped'] += $remaining;
                self::log('warn', sprintf('SocialCRM: %d change event(s) not sent: the %.1f s budget is spent; '
                    . 'the service reconciles them', $remaining, $plan['budget']));
                break;
            }
            $notice = SCRM_ChangeEvent::notice($batch, $index === $sendable - 1 ? $unsent : 0);
            $body = SCRM_ChangeEvent::encode($notice);
            $result = $body === null ? array('status' => 0, 'error' => 'notice could not be encoded')
                : $http->post($url, $body, SCRM_ChangeEvent::headers($body, $config->secret, $notice['notice_id'], time()));
            if ($result['status'] >= 200 && $result['status'] < 300) {
                $summary['sent'] += count($batch);
                continue;
            }
            $summary['failed'] += count($batch);
            $what = sprintf('change notice %s (%d event(s))', $notice['notice_id'], count($batch));
            if ($result['status'] !== 0) {
                self::log('warn', sprintf(
                    'SocialCRM: %s refused by %s with HTTP %d; the service reconciles it later',
                    $what,
                    SCRM_Config::describeUrl($url),
                    $result['status']
                ));
                continue;
            }
            $notTried = $remaining - count($batch);
            $summary['dropped'] += $notTried;
            self::log('warn', sprintf(
                'SocialCRM: %s not delivered to %s: %s; %d more event(s) not tried in this request; '
                . 'the service reconciles them later',
                $what,
                SCRM_Config::describeUrl($url),
                $result['error'],
                $notTried
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

    private static function internalError(\Throwable $error)
    {
        self::log('error', 'SocialCRM: change event skipped after an internal error: '
            . get_class($error) . ': ' . $error->getMessage());
    }

    /**
     * Write to SuiteCRM's log without the secret. The logger method is named in the code, not
     * computed: SuiteCRM's package scanner refuses calls like $logger->$level().
     */
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
            if ($level === 'error') {
                $logger->error($message);
            } elseif ($level === 'warn') {
                $logger->warn($message);
            } else {
                $logger->debug($message);
            }
        } catch (\Throwable $ignored) {
            return;
        }
    }
}
