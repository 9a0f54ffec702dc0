<?php
/*
 * Prints, as one JSON object, what a real SuiteCRM itself loads for the given modules: the
 * logic hooks LogicHook finds, the field definitions a new bean carries, the subpanels its
 * layout defines, the module's label, and the package's dropdown lists and admin entry.
 * Run inside the SuiteCRM root as the web server's user:
 *   php inspect.php <module> [<module> ...]
 * A module SuiteCRM does not know is reported with "known": false.
 */
if (PHP_SAPI !== 'cli') {
    exit(1);
}
define('sugarEntry', true);
ob_start();
require_once 'include/entryPoint.php';
require_once 'include/SubPanel/SubPanelDefinitions.php';
ob_end_clean();
global $current_user, $app_list_strings, $beanList;
$current_user = BeanFactory::newBean('Users');
$current_user->getSystemUser();
$app_list_strings = return_app_list_strings_language('en_us');
$app_strings = return_application_language('en_us');

$modules = array();
foreach (array_slice($_SERVER['argv'], 1) as $module) {
    $bean = isset($beanList[$module]) ? BeanFactory::newBean($module) : null;
    if (!$bean instanceof SugarBean) {
        $modules[$module] = array('known' => false);
        continue;
    }
    $fields = array();
    foreach ($bean->field_defs as $name => $def) {
        $fields[$name] = array(
            'type' => isset($def['type']) ? $def['type'] : null,
            'dbType' => isset($def['dbType']) ? $def['dbType'] : null,
            'len' => isset($def['len']) ? (string) $def['len'] : null,
            'source' => isset($def['source']) ? $def['source'] : null,
            'relationship' => isset($def['relationship']) ? $def['relationship'] : null,
        );
    }
    $subpanels = new SubPanelDefinitions($bean);
    $setup = isset($subpanels->layout_defs['subpanel_setup']) ? $subpanels->layout_defs['subpanel_setup'] : array();
    $modules[$module] = array(
        'known' => true,
        'table' => $bean->table_name,
        'hooks' => LogicHook::initialize()->getHooks($module, true),
        'fields' => $fields,
        'subpanels' => array_keys($setup),
        'label' => isset($app_list_strings['moduleList'][$module]) ? $app_list_strings['moduleList'][$module] : null,
    );
}
$admin_group_header = array();
foreach (glob('custom/modules/Administration/Ext/Administration/*.php') as $file) {
    include $file;
}
$dropdowns = array();
foreach ($app_list_strings as $name => $list) {
    if (strpos((string) $name, 'scrm_') === 0) {
        $dropdowns[$name] = $list;
    }
}
echo json_encode(array(
    'modules' => $modules,
    'dropdowns' => $dropdowns,
    'admin_groups' => array_values(array_map(function ($group) {
        return $group[0];
    }, $admin_group_header)),
), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
