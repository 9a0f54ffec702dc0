<?php
/*
 * Checks a SocialCRM package directory (an unpacked zip) the way the Module Loader will
 * use it: loads manifest.php, resolves where every $installdefs entry would be written
 * (following ModuleInstall/ModuleInstaller.php and ModuleInstall/extensions.php), and
 * checks that every file, module, field, label, dropdown list, relationship, subpanel,
 * hook and admin link it references is defined in the package.
 *
 * "targets" are the files written for the package: copies, extension fragments, and the
 * partial vardef DynamicField::addFieldObject writes for each custom field
 * (custom/Extension/modules/<M>/Ext/Vardefs/_override_sugarfield_<field>.php). "rows" are the
 * rows it adds to SuiteCRM's own tables: fields_meta_data (id <module><field>), acl_actions
 * (one category per module), config (category socialcrm, written by the settings page).
 *
 * usage: php check_package.php <package dir>
 * prints {"findings": [...], "targets": [...], "rows": {...}, "version": ..., "accepts": {...}}
 */

require __DIR__ . '/stubs.php';

final class VardefManager
{
    public static $calls = array();

    public static function createVardef($module, $object, $templates)
    {
        self::$calls[$module] = array('object' => $object, 'templates' => $templates);
    }
}

const CORE_OBJECTS = array(
    'Contacts' => 'Contact', 'Leads' => 'Lead', 'Accounts' => 'Account', 'Cases' => 'Case',
    'Calls' => 'Call', 'Meetings' => 'Meeting', 'Tasks' => 'Task', 'Notes' => 'Note',
    'Opportunities' => 'Opportunity', 'Administration' => 'Administration', 'Employees' => 'Employee',
);
const CORE_BEAN_CLASSES = array('Contact', 'Lead', 'Account', 'aCase');
const TEMPLATE_FIELDS = array(
    'id', 'name', 'date_entered', 'date_modified', 'modified_user_id', 'modified_by_name', 'created_by',
    'created_by_name', 'description', 'deleted', 'created_by_link', 'modified_user_link',
    'assigned_user_id', 'assigned_user_name', 'assigned_user_link', 'SecurityGroups',
);
const SEARCH_PSEUDO_FIELDS = array('current_user_only');
const CORE_LABELS = array('LBL_ASSIGNED_TO_NAME', 'LBL_ASSIGNED_TO', 'LBL_CURRENT_USER_FILTER', 'LBL_EDIT_BUTTON', 'LBL_REMOVE');
// installdefs section => [directory under Ext/, fixed module or null] (ModuleInstall/extensions.php)
const EXTENSION_SECTIONS = array(
    'vardefs' => array('Vardefs', null),
    'layoutdefs' => array('Layoutdefs', null),
    'hookdefs' => array('LogicHooks', null),
    'administration' => array('Administration', 'Administration'),
    'module_name_map' => array('ModuleNameMap', null),
);
const OTHER_SECTIONS = array('id', 'beans', 'copy', 'language', 'custom_fields', 'pre_execute', 'post_execute', 'post_uninstall');

/** include/SugarObjects/templates/basic/Basic.php, as far as the package's beans need it. */
#[\AllowDynamicProperties]
class Basic extends SugarBean
{
}

/** Whether the bean class asks for SuiteCRM's role actions (SugarBean::create_tables adds them). */
function bean_implements_acl($file, $class)
{
    require_once $file;
    $bean = new $class();
    return $bean->bean_implements('ACL');
}

$findings = array();
function finding($text)
{
    global $findings;
    $findings[] = $text;
}

function package_path($from)
{
    return ltrim(str_replace('<basepath>', '', $from), '/');
}

function include_isolated($__file, array $__names)
{
    foreach ($__names as $__name) {
        $$__name = array();
    }
    include $__file;
    $__result = array();
    foreach ($__names as $__name) {
        $__result[$__name] = $$__name;
    }
    return $__result;
}

function declared_classes($file)
{
    $classes = array();
    $tokens = token_get_all(file_get_contents($file));
    foreach ($tokens as $i => $token) {
        if (is_array($token) && $token[0] === T_CLASS) {
            for ($j = $i + 1; isset($tokens[$j]); $j++) {
                if (is_array($tokens[$j]) && $tokens[$j][0] === T_STRING) {
                    $classes[] = $tokens[$j][1];
                    break;
                }
            }
        }
    }
    return $classes;
}

/**
 * One version list as SuiteCRM's validators read it: refused when a list of matches is present
 * and nothing in it matches; exact matches first, then the regexes unless $regexes is false.
 */
function version_list_admits(array $spec, $version, $regexes = true)
{
    $empty = true;
    if (isset($spec['exact_matches'])) {
        $empty = false;
        foreach ($spec['exact_matches'] as $match) {
            if ($match == $version) {
                return true;
            }
        }
    }
    if ($regexes && isset($spec['regex_matches'])) {
        $empty = false;
        foreach ($spec['regex_matches'] as $match) {
            if (preg_match("/$match/", $version)) {
                return true;
            }
        }
    }
    return $empty;
}

/**
 * Whether the Module Loader accepts the package on a SuiteCRM reporting these versions:
 * - PackageManager::validate_manifest checks each list that is present, the Sugar list
 *   against $sugar_version and the SuiteCRM list against $suitecrm_version;
 * - a PackageManager variant in SuiteCRM's history tests `isset($$list['regex_matches'])`,
 *   so only exact matches count there;
 * - the Upgrade Wizard's validate_manifest checks the SuiteCRM list, or the Sugar list when
 *   there is no SuiteCRM list.
 * The package must pass all three.
 */
function suitecrm_accepts(array $manifest, $suitecrm, $sugar)
{
    $lists = array('acceptable_sugar_versions' => $sugar, 'acceptable_suitecrm_versions' => $suitecrm);
    foreach (array(true, false) as $regexes) {
        foreach ($lists as $key => $version) {
            if (isset($manifest[$key]) && !version_list_admits($manifest[$key], $version, $regexes)) {
                return false;
            }
        }
    }
    $key = isset($manifest['acceptable_suitecrm_versions']) ? 'acceptable_suitecrm_versions' : 'acceptable_sugar_versions';
    return isset($manifest[$key]) && version_list_admits($manifest[$key], $lists[$key]);
}

$root = rtrim($argv[1], '/');
chdir($root);
$manifest = $installdefs = null;
include 'manifest.php';

// --- manifest ------------------------------------------------------------------------
if ($manifest['type'] !== 'module' || $manifest['is_uninstallable'] !== true) {
    finding('manifest: must be an uninstallable module package');
}
if ($manifest['remove_tables'] !== 'prompt') {
    finding("manifest: remove_tables must be 'prompt' so the admin chooses whether data stays");
}
if ($installdefs['id'] !== 'SCRM') {
    finding('installdefs: id must be SCRM');
}
$accepts = array();  // every SuiteCRM 7 and SuiteCRM 8's legacy core report sugar_version 6.5.25
foreach (array('7.14.0', '7.14.6', '7.15.1', '8.5.1', '8.8.0', '8.10.1', '7.13.4', '7.12.5', '7.10.0', '9.0.0') as $v) {
    $accepts['suitecrm ' . $v] = suitecrm_accepts($manifest, $v, '6.5.25');
}
foreach (array('6.5.25', '6.5.24', '7.0.0') as $v) {
    $accepts['7.14.0 with sugar ' . $v] = suitecrm_accepts($manifest, '7.14.0', $v);
}
foreach (array_keys($installdefs) as $section) {
    if (!isset(EXTENSION_SECTIONS[$section]) && !in_array($section, OTHER_SECTIONS, true)) {
        finding("installdefs: section '$section' is not one this package is checked for (typo, or ignored by SuiteCRM?)");
    }
}

// --- copied modules and where every file lands -----------------------------------------
$targets = array();
$copied = array(); // installed path => package path
foreach ($installdefs['copy'] as $copy) {
    $from = package_path($copy['from']);
    if (!file_exists($from)) {
        finding("copy: $from is not in the package");
        continue;
    }
    if (strpos($copy['to'], 'modules/SCRM_') !== 0) {
        finding("copy: {$copy['to']} is outside modules/SCRM_*");
    }
    $files = is_dir($from)
        ? iterator_to_array(new RecursiveIteratorIterator(new RecursiveDirectoryIterator($from, FilesystemIterator::SKIP_DOTS)))
        : array($from => new SplFileInfo($from));
    foreach ($files as $path => $info) {
        $installed = $copy['to'] . substr($path, strlen($from));
        $copied[$installed] = $path;
        $targets[] = $installed;
    }
}

$modules = array(); // bean module => [class, fields, relationships, strings]
foreach ($installdefs['beans'] as $bean) {
    $module = $bean['module'];
    if (!isset($copied[$bean['path']])) {
        finding("beans: {$bean['path']} is not installed by any copy entry");
        continue;
    }
    if (!in_array($bean['class'], declared_classes($copied[$bean['path']]), true)) {
        finding("beans: class {$bean['class']} is not declared in {$bean['path']}");
    }
    $vardefs = "modules/$module/vardefs.php";
    $language = "modules/$module/language/en_us.lang.php";
    if (!file_exists($vardefs) || !file_exists($language)) {
        finding("beans: $module needs vardefs.php and language/en_us.lang.php");
        continue;
    }
    $dictionary = include_isolated($vardefs, array('dictionary'))['dictionary'];
    $object = $bean['class'];
    if (!isset($dictionary[$object]['fields']) || VardefManager::$calls[$module]['object'] !== $object) {
        finding("vardefs: $module must define \$dictionary['$object'] and createVardef() for it");
        continue;
    }
    $modules[$module] = array(
        'class' => $object,
        'tab' => !empty($bean['tab']),
        'acl' => bean_implements_acl($copied[$bean['path']], $object),
        'fields' => $dictionary[$object]['fields'],
        'relationships' => isset($dictionary[$object]['relationships']) ? $dictionary[$object]['relationships'] : array(),
        'indices' => isset($dictionary[$object]['indices']) ? $dictionary[$object]['indices'] : array(),
        'strings' => include_isolated($language, array('mod_strings'))['mod_strings'],
    );
}
$targets[] = "custom/Extension/application/Ext/Include/{$installdefs['id']}.php";

// --- extension fragments ------------------------------------------------------------
$fragments = array(); // section => [[module, package path], ...]
foreach (EXTENSION_SECTIONS as $section => $spec) {
    list($directory, $fixedModule) = $spec;
    foreach (isset($installdefs[$section]) ? $installdefs[$section] : array() as $item) {
        $from = package_path($item['from']);
        $module = $fixedModule !== null ? $fixedModule : $item['to_module'];
        if (!file_exists($from)) {
            finding("$section: $from is not in the package");
            continue;
        }
        $base = $module === 'application' ? 'custom/Extension/application/Ext' : "custom/Extension/modules/$module/Ext";
        $targets[] = "$base/$directory/" . basename($from, '.php') . '.php';
        $fragments[$section][] = array($module, $from);
    }
}
$strings = array(); // module => mod_strings added by the package (application => app_list_strings)
foreach ($installdefs['language'] as $item) {
    $from = package_path($item['from']);
    $module = $item['to_module'];
    if (!file_exists($from)) {
        finding("language: $from is not in the package");
        continue;
    }
    $base = $module === 'application' ? 'custom/Extension/application/Ext' : "custom/Extension/modules/$module/Ext";
    $targets[] = "$base/Language/{$item['language']}.{$installdefs['id']}.php";
    $loaded = include_isolated($from, array('mod_strings', 'app_list_strings', 'app_strings'));
    if ($module === 'application') {
        $strings['application'] = $loaded['app_list_strings'];
        foreach (array_keys($loaded['app_list_strings']) as $list) {
            if (!in_array($list, array('moduleList', 'moduleListSingular'), true) && strpos($list, 'scrm_') !== 0) {
                finding("language: app_list_strings['$list'] must be named scrm_*");
            }
        }
    } else {
        $strings[$module] = $loaded['mod_strings'];
        foreach (array_keys($loaded['mod_strings']) as $label) {
            if (strpos($label, 'LBL_SCRM_') !== 0) {
                finding("language: $label added to $module must start with LBL_SCRM_");
            }
        }
    }
}
foreach (array('pre_execute', 'post_execute', 'post_uninstall') as $section) {
    foreach (isset($installdefs[$section]) ? $installdefs[$section] : array() as $script) {
        if (!file_exists(package_path($script))) {
            finding("$section: $script is not in the package");
        }
    }
}
// DynamicField::addFieldObject -> saveExtendedAttributes -> writeVardefExtension
require_once 'modules/SCRM_SocialInteractions/lib/SCRM_Config.php';
$aclModules = array();
foreach ($modules as $module => $info) {
    if ($info['acl']) {
        $aclModules[] = $module;
    }
}
$written_rows = array('fields_meta_data' => array(), 'acl_actions' => $aclModules, 'config' => array(SCRM_Config::CATEGORY));
foreach (isset($installdefs['custom_fields']) ? $installdefs['custom_fields'] : array() as $field) {
    $targets[] = "custom/Extension/modules/{$field['module']}/Ext/Vardefs/_override_sugarfield_{$field['name']}.php";
    $written_rows['fields_meta_data'][] = $field['module'] . $field['name'];
}
foreach ($targets as $target) {
    if (strpos($target, 'custom/') !== 0 && strpos($target, 'modules/SCRM_') !== 0) {
        finding("target: $target is outside custom/ and modules/SCRM_*");
    }
    if (strpos($target, 'custom/Extension/') === 0 && stripos(basename($target), 'scrm') === false) {
        finding("target: $target has no scrm in its name");
    }
}

require __DIR__ . '/check_references.php';

scrm_test_output(array(
    'findings' => $findings,
    'targets' => $targets,
    'rows' => $written_rows,
    'version' => $manifest['version'],
    'accepts' => $accepts,
));
