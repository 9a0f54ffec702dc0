<?php
/*
 * Loads the package's PHP metadata with PHP itself and prints it as JSON, so the tests can
 * compare it with plugin/model.py: module vardefs (with the templates they ask for),
 * the vardefs fragments for core modules, dropdown lists, module names, labels, custom
 * fields and hook registrations.
 *
 * usage: php dump_package.php <package dir>
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

function load($__file, $__name)
{
    $$__name = array();
    include $__file;
    return $$__name;
}

chdir($argv[1]);
$manifest = $installdefs = null;
include 'manifest.php';
$path = function ($from) {
    return ltrim(str_replace('<basepath>', '', $from), '/');
};

$modules = array();
foreach ($installdefs['beans'] as $bean) {
    $dictionary = load("modules/{$bean['module']}/vardefs.php", 'dictionary');
    $modules[$bean['module']] = array(
        'class' => $bean['class'],
        'vardefs' => $dictionary[$bean['class']],
        'createVardef' => VardefManager::$calls[$bean['module']],
        'mod_strings' => load("modules/{$bean['module']}/language/en_us.lang.php", 'mod_strings'),
    );
}
$core_vardefs = array();
foreach ($installdefs['vardefs'] as $item) {
    $core_vardefs[$item['to_module']] = load($path($item['from']), 'dictionary');
}
$mod_strings = array();
$app_list_strings = array();
foreach ($installdefs['language'] as $item) {
    if ($item['to_module'] === 'application') {
        $app_list_strings = load($path($item['from']), 'app_list_strings');
    } else {
        $mod_strings[$item['to_module']] = load($path($item['from']), 'mod_strings');
    }
}
$hooks = array();
foreach ($installdefs['hookdefs'] as $item) {
    $module = $item['to_module'];
    $hooks[$module] = array_merge_recursive(isset($hooks[$module]) ? $hooks[$module] : array(),
        load($path($item['from']), 'hook_array'));
}
scrm_test_output(array(
    'modules' => $modules,
    'core_vardefs' => $core_vardefs,
    'mod_strings' => $mod_strings,
    'app_list_strings' => $app_list_strings,
    'custom_fields' => $installdefs['custom_fields'],
    'hooks' => $hooks,
));
