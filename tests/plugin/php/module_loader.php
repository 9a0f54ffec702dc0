<?php
/*
 * Installs and uninstalls the package the way SuiteCRM 7.14's ModuleInstaller changes state,
 * step for step where the package is concerned, against an in-memory database and a scratch
 * SuiteCRM root directory:
 *
 * install()    ... post_execute scripts, then install_beans (SugarBean::create_tables: a
 *              missing table is created and, when the bean implements 'ACL',
 *              ACLAction::addActions runs for it; an existing one is left alone), then
 *              install_custom_fields (dynamic_field_model.php).
 * uninstall()  uninstall_beans (tables dropped only with "Remove Tables"), ... post_uninstall
 *              scripts, then uninstall_custom_fields (only with "Remove Tables":
 *              DynamicField::deleteField drops the row, the column and sugarfield_<name>.php),
 *              then remove_acl_actions (modules/ACL/remove_actions.php drops the actions of
 *              every module no longer installed).
 *
 * Each step is a separate request in SuiteCRM, so the package's scripts are included afresh
 * each time (ModuleInstaller's require_once runs them once per request).
 *
 * stdin: {"package": dir, "root": scratch dir, "config": {...}, "seed": [paths under root],
 *         "steps": [{"op": "install"} | {"op": "uninstall", "remove_tables": bool}]}
 * prints one snapshot of the state after each step.
 */

require __DIR__ . '/stubs.php';
require __DIR__ . '/dynamic_field_model.php';

final class VardefManager
{
    public static function createVardef($module, $object, $templates)
    {
    }

    public static function refreshVardefs($module, $object)
    {
        ScrmModelState::$refreshed[] = $module;
    }
}

/** include/dir_inc.php: every file under a folder (none when it does not exist). */
function findAllFiles($dir, $files)
{
    if (!is_dir($dir)) {
        return $files;
    }
    foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator($dir, FilesystemIterator::SKIP_DOTS)) as $path => $info) {
        $files[] = $path;
    }
    return $files;
}

/** BeanFactory::newBean for the package's modules: a bean that knows its table. */
final class BeanFactory
{
    /** @var array<string,string> module => table, from the installed package's vardefs */
    public static $tables = array();

    public static function newBean($module)
    {
        $bean = new SugarBean();
        $bean->module_dir = $module;
        $bean->table_name = self::$tables[$module];
        return $bean;
    }
}

/** include/SugarObjects/templates/basic/Basic.php, as far as the package's beans need it. */
#[\AllowDynamicProperties]
class Basic extends SugarBean
{
}

/** SugarBean::create_tables adds role actions for a bean that implements 'ACL'. */
function scrm_model_implements_acl($package, array $bean)
{
    $previous = set_include_path($package);
    try {
        require_once "$package/{$bean['path']}";
    } finally {
        set_include_path($previous);
    }
    $object = new $bean['class']();
    return $object->bean_implements('ACL');
}

/** modules/ACLActions/actiondefs.php: the actions of a 'module' category. */
const SCRM_MODULE_ACL_ACTIONS = array('access', 'view', 'list', 'edit', 'delete', 'import', 'export', 'massupdate');

final class ScrmModelState
{
    public static $tables = array();
    /** @var array<string,string[]> category => actions */
    public static $acl = array();
    public static $fieldsMetaData = array();
    public static $vardefs = array();
    public static $columns = array();
    public static $config = array();
    public static $queries = array();
    public static $installedModules = array();
    /** @var string[] tables DBManager::repairTable brought to the vardefs, in order */
    public static $repaired = array();
    public static $refreshed = array();
}

/** ACLAction::addActions adds only the actions a category does not have yet. */
final class ACLAction
{
    public static function addActions($category, $type = 'module')
    {
        if ($type !== 'module') {
            throw new InvalidArgumentException("type $type is not modelled");
        }
        $have = isset(ScrmModelState::$acl[$category]) ? ScrmModelState::$acl[$category] : array();
        foreach (SCRM_MODULE_ACL_ACTIONS as $action) {
            if (!in_array($action, $have, true)) {
                $have[] = $action;
            }
        }
        ScrmModelState::$acl[$category] = $have;
    }
}

/** The database as the package's scripts reach it: $GLOBALS['db']->query(). */
final class ScrmModelDb
{
    public function query($sql)
    {
        ScrmModelState::$queries[] = $sql;
        if (preg_match("/^DELETE FROM config WHERE category = '([a-z_]+)'$/", $sql, $match)) {
            foreach (array_keys(ScrmModelState::$config) as $key) {
                if (strpos($key, $match[1] . '_') === 0) {
                    unset(ScrmModelState::$config[$key]);
                }
            }
            return true;
        }
        if (preg_match("/^UPDATE (scrm_[a-z]+) SET ([a-z_]+) = NULL WHERE \\2 IN \\('http:\\/\\/', 'https:\\/\\/'\\)$/", $sql)) {
            return true;
        }
        throw new RuntimeException("query not modelled: $sql");
    }

    public function tableExists($table)
    {
        return isset(ScrmModelState::$tables[$table]);
    }

    /** DBManager::repairTable: alters an existing table to its vardefs (not modelled further). */
    public function repairTable($bean, $execute = true)
    {
        if (!$this->tableExists($bean->table_name)) {
            throw new RuntimeException("repairTable on a missing table {$bean->table_name} would create it");
        }
        ScrmModelState::$repaired[] = $bean->table_name;
        return '';
    }
}

function scrm_model_manifest($package)
{
    $manifest = $installdefs = null;
    include "$package/manifest.php";
    return $installdefs;
}

function scrm_model_run_scripts($package, array $installdefs, $section)
{
    foreach (isset($installdefs[$section]) ? $installdefs[$section] : array() as $script) {
        include str_replace('<basepath>', $package, $script);
    }
}

function scrm_model_table($package, array $bean)
{
    $dictionary = array();
    include "$package/modules/{$bean['module']}/vardefs.php";
    return $dictionary[$bean['class']]['table'];
}

function scrm_model_install($package)
{
    $installdefs = scrm_model_manifest($package);
    foreach ($installdefs['beans'] as $bean) {
        BeanFactory::$tables[$bean['module']] = scrm_model_table($package, $bean);
    }
    scrm_model_run_scripts($package, $installdefs, 'pre_execute');
    scrm_model_run_scripts($package, $installdefs, 'post_execute');
    foreach ($installdefs['beans'] as $bean) {
        ScrmModelState::$installedModules[$bean['module']] = true;
        $table = scrm_model_table($package, $bean);
        if (!isset(ScrmModelState::$tables[$table])) {
            ScrmModelState::$tables[$table] = true;
            if (scrm_model_implements_acl($package, $bean)) {
                ACLAction::addActions($bean['module']);
            }
        }
    }
    foreach (isset($installdefs['custom_fields']) ? $installdefs['custom_fields'] : array() as $entry) {
        $installed = scrm_model_install_custom_field($entry);
        $id = $installed['row']['id'];
        $module = $entry['module'];
        $name = $installed['row']['name'];
        $table = strtolower($module) . '_cstm';
        if (!isset(ScrmModelState::$fieldsMetaData[$id])) {
            ScrmModelState::$columns[$table][$name] = $installed['column'];
        }
        ScrmModelState::$fieldsMetaData[$id] = $installed['row'];
        ScrmModelState::$vardefs[$module][$name] = $installed['vardef'];
        $dir = "custom/Extension/modules/$module/Ext/Vardefs";
        if (!is_dir($dir)) {
            mkdir($dir, 0777, true);
        }
        $object = substr($module, 0, -1);  // Contacts, Leads, Accounts -> Contact, Lead, Account
        $text = "<?php\n";  // DynamicField::writeVardefExtension writes one line per attribute
        foreach ($installed['override'] as $property => $value) {
            $text .= "\$dictionary['$object']['fields']['$name']['$property'] = " . var_export($value, true) . ";\n";
        }
        file_put_contents("$dir/_override_sugarfield_$name.php", $text);
    }
}

function scrm_model_uninstall($package, $removeTables)
{
    $GLOBALS['mi_remove_tables'] = $removeTables;
    $installdefs = scrm_model_manifest($package);
    foreach ($installdefs['beans'] as $bean) {
        unset(ScrmModelState::$installedModules[$bean['module']]);
        if ($removeTables) {
            unset(ScrmModelState::$tables[scrm_model_table($package, $bean)]);
        }
    }
    scrm_model_run_scripts($package, $installdefs, 'pre_uninstall');
    scrm_model_run_scripts($package, $installdefs, 'post_uninstall');
    if ($removeTables) {
        foreach (isset($installdefs['custom_fields']) ? $installdefs['custom_fields'] : array() as $entry) {
            $module = $entry['module'];
            $name = $entry['name'];
            unset(ScrmModelState::$fieldsMetaData[$module . $name], ScrmModelState::$vardefs[$module][$name]);
            unset(ScrmModelState::$columns[strtolower($module) . '_cstm'][$name]);
            $sugarfield = "custom/Extension/modules/$module/Ext/Vardefs/sugarfield_$name.php";
            if (is_file($sugarfield)) {
                unlink($sugarfield);
            }
        }
    }
    foreach (array_keys(ScrmModelState::$acl) as $category) {
        if (strpos($category, 'SCRM_') === 0 && empty(ScrmModelState::$installedModules[$category])) {
            unset(ScrmModelState::$acl[$category]);
        }
    }
    unset($GLOBALS['mi_remove_tables']);
}

function scrm_model_files($root)
{
    $files = array();
    if (is_dir("$root/custom")) {
        $walk = new RecursiveIteratorIterator(new RecursiveDirectoryIterator("$root/custom", FilesystemIterator::SKIP_DOTS));
        foreach ($walk as $path => $info) {
            $files[] = substr($path, strlen($root) + 1);
        }
    }
    sort($files);
    return $files;
}

$scenario = scrm_test_input();
$package = rtrim($scenario['package'], '/');
$root = rtrim($scenario['root'], '/');
ScrmModelState::$config = isset($scenario['config']) ? $scenario['config'] : array();
$GLOBALS['db'] = new ScrmModelDb();
chdir($root);
foreach (isset($scenario['seed']) ? $scenario['seed'] : array() as $seed) {  // files others wrote
    if (!is_dir(dirname($seed))) {
        mkdir(dirname($seed), 0777, true);
    }
    file_put_contents($seed, "<?php\n// not SocialCRM's\n");
}
$snapshots = array();
foreach ($scenario['steps'] as $step) {
    if ($step['op'] === 'install') {
        scrm_model_install($package);
    } elseif ($step['op'] === 'uninstall') {
        scrm_model_uninstall($package, !empty($step['remove_tables']));
    } else {
        fwrite(STDERR, "unknown step {$step['op']}\n");
        exit(2);
    }
    $columns = array();
    foreach (ScrmModelState::$columns as $table => $byName) {
        $columns[$table] = (object) $byName;
    }
    $repairColumns = array();  // what a Quick Repair and Rebuild asks the column to be
    foreach (ScrmModelState::$vardefs as $module => $byName) {
        foreach ($byName as $name => $vardef) {
            $repairColumns[strtolower($module) . '_cstm'][$name] = scrm_model_repair_column($vardef);
        }
    }
    $snapshots[] = array(
        'tables' => array_keys(ScrmModelState::$tables),
        'acl' => (object) ScrmModelState::$acl,
        'fields_meta_data' => (object) ScrmModelState::$fieldsMetaData,
        'vardefs' => (object) ScrmModelState::$vardefs,
        'columns' => (object) $columns,
        'repair_columns' => (object) $repairColumns,
        'config' => (object) ScrmModelState::$config,
        'files' => scrm_model_files($root),
        'repaired' => ScrmModelState::$repaired,
    );
    ScrmModelState::$repaired = array();
}
scrm_test_output(array('snapshots' => $snapshots, 'queries' => ScrmModelState::$queries));
