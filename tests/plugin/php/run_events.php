<?php
/*
 * Drives SCRM_ChangeNotifier the way SuiteCRM does: the hook fragment is loaded, each hook
 * entry's file is included by its SuiteCRM-relative path from the package root, the class
 * is instantiated and the method called with a bean. Events leave from the notifier's own
 * shutdown function; the results are printed by a shutdown function that runs after it.
 *
 * stdin: {"package": dir, "settings": {...}, "settings_failure": str|null, "http": {...}|null,
 *         "current_user_id": str|null, "sapi": str|null, "blowfish_key": str|null,
 *         "db": "accepts"|"refuses"|"throws"|null, "steps": [...]} (see the tests for the step
 *         shapes). "db" puts a database in $GLOBALS['db'] for the change outbox: it records each
 *         DBManager::insertParams call ("inserts"), or refuses it (false), or throws; the
 *         outbox's vardefs are loaded from the package as VardefManager::loadVardef would. "sapi" makes the notifier believe
 *         it runs under that PHP server API (this CLI has no fastcgi_finish_request, so any
 *         server API but cli sends in-request); "blowfish_key" see stubs.php. The output has
 *         the settings table at the end and every write to it ("writes").
 */

require __DIR__ . '/stubs.php';

$scenario = scrm_test_input();
$package = $scenario['package'];
chdir($package);
Administration::$table = isset($scenario['settings']) ? $scenario['settings'] : array();
Administration::$failure = isset($scenario['settings_failure']) ? $scenario['settings_failure'] : null;
if (isset($scenario['blowfish_key'])) {
    $GLOBALS['scrm_test_blowfish_key'] = $scenario['blowfish_key'];
}
if (!empty($scenario['current_user_id'])) {
    $GLOBALS['current_user'] = (object) array('id' => $scenario['current_user_id']);
}

/** include/SugarObjects/VardefManager.php, as far as SCRM_OutboxWriter uses it. */
final class VardefManager
{
    public static $loaded = array();

    public static function loadVardef($module, $object)
    {
        global $dictionary;
        self::$loaded[] = $module;
        include "modules/$module/vardefs.php";
    }

    public static function createVardef($module, $object, $templates)
    {
    }
}

/** The database as SCRM_OutboxWriter reaches it: DBManager::insertParams. */
final class ScrmTestDb
{
    public static $inserts = array();
    private $mode;

    public function __construct($mode)
    {
        $this->mode = $mode;
    }

    public function insertParams($table, $fieldDefs, $data, $fieldMap = null, $execute = true)
    {
        if ($this->mode === 'throws') {
            throw new RuntimeException('MySQL server has gone away');
        }
        if ($this->mode === 'refuses') {
            return false;
        }
        $auto = array();
        foreach ($fieldDefs as $name => $def) {
            if (!empty($def['auto_increment'])) {
                $auto[] = $name;
            }
        }
        self::$inserts[] = array('table' => $table, 'data' => $data, 'auto_increment' => $auto);
        return true;
    }
}
if (!empty($scenario['db'])) {
    $GLOBALS['db'] = new ScrmTestDb($scenario['db']);
}

$hook_array = array();
require 'extensions/logichooks/scrm_change_events.php';
require_once 'modules/SCRM_SocialInteractions/lib/SCRM_ChangeNotifier.php';
if (!empty($scenario['sapi'])) {
    SCRM_ChangeNotifier::$sapi = $scenario['sapi'];
}
$results = array();
register_shutdown_function(function () use (&$results) {
    register_shutdown_function(function () use (&$results) {
        scrm_test_output(array(
            'results' => $results,
            'cwd_at_exit' => getcwd(),
            'delivery' => SCRM_ChangeNotifier::$lastDelivery,
            'table' => (object) Administration::$table,
            'writes' => Administration::$writes,
            'blowfish_key_types' => array_values(array_unique($GLOBALS['scrm_test_blowfish_types'])),
            'inserts' => ScrmTestDb::$inserts,
            'vardefs_loaded' => VardefManager::$loaded,
        ));
    });
});

function scrm_test_bean(array $spec)
{
    $bean = new SugarBean();
    $bean->module_dir = $spec['module_dir'];
    $bean->id = isset($spec['id']) ? $spec['id'] : null;
    $bean->field_defs = isset($spec['field_defs']) ? $spec['field_defs'] : array();
    $bean->fetched_row = isset($spec['fetched_row']) ? $spec['fetched_row'] : false;
    $bean->new_with_id = !empty($spec['new_with_id']);
    foreach (isset($spec['values']) ? $spec['values'] : array() as $name => $value) {
        $bean->$name = $value;
    }
    return $bean;
}

function scrm_test_call_hooks(array $hook_array, $event, $bean)
{
    foreach ($hook_array[$event] as $hook) {
        list(, , $file, $class, $method) = $hook;
        include_once $file;
        $handler = new $class();
        $handler->$method($bean, $event, '');
    }
}

foreach ($scenario['steps'] as $step) {
    switch ($step['op']) {
        case 'save':
            scrm_test_call_hooks($hook_array, 'after_save', scrm_test_bean($step['bean']));
            $results[] = 'saved';
            break;
        case 'delete':
            // SugarBean::mark_deleted: before_delete, then the record's links (the assigned
            // user among them) are removed, then after_delete
            $deleting = scrm_test_bean($step['bean']);
            scrm_test_call_hooks($hook_array, 'before_delete', $deleting);
            foreach (isset($step['unlinked']) ? $step['unlinked'] : array() as $name) {
                $deleting->$name = null;
            }
            scrm_test_call_hooks($hook_array, 'after_delete', $deleting);
            $results[] = 'deleted';
            break;
        case 'build':
            $event = SCRM_ChangeEvent::build(
                scrm_test_bean($step['bean']),
                $step['action'],
                isset($step['now']) ? $step['now'] : null,
                isset($step['event_id']) ? $step['event_id'] : null
            );
            $notice = SCRM_ChangeEvent::notice(array($event));
            $results[] = array('event' => $event, 'body' => SCRM_ChangeEvent::encode($notice));
            break;
        case 'sign':
            $results[] = SCRM_ChangeEvent::sign(base64_decode($step['body_b64']), $step['secret'], $step['timestamp']);
            break;
        case 'batches':
            $results[] = array_map('count', SCRM_ChangeEvent::batches($step['events']));
            break;
        case 'pending':
            $results[] = SCRM_ChangeNotifier::pending();
            break;
        case 'flush':
            $results[] = SCRM_ChangeNotifier::flush();
            break;
        case 'plan':
            $results[] = SCRM_ChangeNotifier::deliveryPlan($step['sapi'], $step['can_finish_early']);
            break;
        case 'use_http':
            SCRM_ChangeNotifier::$http = scrm_test_http($scenario);
            $results[] = SCRM_ChangeNotifier::$http->transport();
            break;
        default:
            fwrite(STDERR, "unknown step {$step['op']}\n");
            exit(2);
    }
}
// Like SuiteCRM 8, leave the legacy directory before shutdown: sending must not depend on it.
chdir(sys_get_temp_dir());
