<?php
/*
 * Second half of check_package.php: everything the package references must be defined.
 * Runs in check_package.php's scope ($modules, $strings, $fragments, $installdefs, $copied).
 */

$known_modules = array_merge(array_keys($modules), array_keys(CORE_OBJECTS));
$lists = isset($strings['application']) ? $strings['application'] : array();

// Link fields per module: the SCRM modules' own, plus those the vardefs fragments add.
$links = array(); // module => link name => definition
foreach ($modules as $module => $info) {
    foreach ($info['fields'] as $name => $def) {
        if (isset($def['type']) && $def['type'] === 'link') {
            $links[$module][$name] = $def;
        }
    }
}
foreach (isset($fragments['vardefs']) ? $fragments['vardefs'] : array() as $fragment) {
    list($module, $from) = $fragment;
    $dictionary = include_isolated($from, array('dictionary'))['dictionary'];
    $object = CORE_OBJECTS[$module];
    if (array_keys($dictionary) !== array($object)) {
        finding("vardefs: $from must only extend \$dictionary['$object'] for $module");
        continue;
    }
    foreach ($dictionary[$object]['fields'] as $name => $def) {
        if (strpos($name, 'scrm_') !== 0 || $def['name'] !== $name) {
            finding("vardefs: $module field $name must be named scrm_* and carry its own name");
        }
        if (!isset($strings[$module][$def['vname']])) {
            finding("vardefs: $module.$name label {$def['vname']} is not defined for $module");
        }
        $links[$module][$name] = $def;
    }
}

$relationships = array();
foreach ($modules as $module => $info) {
    foreach ($info['relationships'] as $name => $rel) {
        $relationships[$name] = $rel;
    }
}
foreach ($relationships as $name => $rel) {
    if (strpos($name, 'scrm_') !== 0) {
        finding("relationship $name must be named scrm_*");
    }
    foreach (array('lhs_module', 'rhs_module') as $side) {
        if (!in_array($rel[$side], $known_modules, true)) {
            finding("relationship $name: unknown $side {$rel[$side]}");
        }
    }
    if (!isset($modules[$rel['rhs_module']]['fields'][$rel['rhs_key']])) {
        finding("relationship $name: {$rel['rhs_module']} has no field {$rel['rhs_key']}");
    }
    foreach (array('lhs_module', 'rhs_module') as $side) {
        $found = false;
        foreach (isset($links[$rel[$side]]) ? $links[$rel[$side]] : array() as $def) {
            $found = $found || $def['relationship'] === $name;
        }
        if (!$found) {
            finding("relationship $name: no link field on {$rel[$side]}");
        }
    }
}
foreach ($links as $module => $defs) {
    foreach ($defs as $name => $def) {
        if (!isset($def['relationship'])) {
            continue; // template links (users, security groups) are SuiteCRM's
        }
        $rel = isset($relationships[$def['relationship']]) ? $relationships[$def['relationship']] : null;
        if ($rel === null) {
            finding("link $module.$name: relationship {$def['relationship']} is not defined");
            continue;
        }
        $other = $rel['lhs_module'] === $module ? $rel['rhs_module'] : $rel['lhs_module'];
        if ($def['module'] !== $other) {
            finding("link $module.$name: module {$def['module']} is not the other side ($other)");
        }
        $beanClass = isset($modules[$other]) ? $modules[$other]['class'] : null;
        if (isset($def['bean_name']) && !in_array($def['bean_name'], array_merge(CORE_BEAN_CLASSES, array($beanClass)), true)) {
            finding("link $module.$name: bean_name {$def['bean_name']} is not a bean class");
        }
    }
}

// Fields of the SCRM modules.
foreach ($modules as $module => $info) {
    $fields = $info['fields'];
    $labels = $info['strings'];
    foreach ($fields as $name => $def) {
        if ($def['name'] !== $name || empty($def['type'])) {
            finding("vardefs: $module.$name needs a matching name and a type");
        }
        if (!isset($labels[$def['vname']]) || strpos($def['vname'], 'LBL_SCRM_') !== 0) {
            finding("vardefs: $module.$name label {$def['vname']} must be LBL_SCRM_* and defined");
        }
        if ($def['type'] === 'enum') {
            $list = isset($def['options']) ? $def['options'] : '';
            if (!isset($lists[$list]) || strpos($list, 'scrm_') !== 0) {
                finding("vardefs: $module.$name options list '$list' is not an scrm_* app_list_strings list");
            } elseif (isset($def['default']) && !array_key_exists($def['default'], $lists[$list])) {
                finding("vardefs: $module.$name default '{$def['default']}' is not in $list");
            }
        }
        if ($def['type'] === 'relate') {
            if (!isset($fields[$def['id_name']]) || !isset($links[$module][$def['link']])
                || !in_array($def['module'], $known_modules, true)) {
                finding("vardefs: $module.$name relate field needs its id field, link and a known module");
            }
        }
    }
    $all = array_merge(TEMPLATE_FIELDS, array_keys($fields));
    foreach ($info['indices'] as $index) {
        if ($index['type'] !== 'index') {
            finding("vardefs: $module index {$index['name']} is {$index['type']}: SuiteCRM keeps deleted rows, "
                . 'so a unique key turns later saves of the same item into duplicate-key errors');
        }
        foreach ($index['fields'] as $field) {
            if (!in_array($field, $all, true)) {
                finding("vardefs: $module index {$index['name']} uses unknown field $field");
            }
        }
    }
    $modules[$module]['all'] = $all;
}

// View metadata of the SCRM modules: fields and labels must exist.
function check_view_refs($module, $file, array $fieldNames, array $labels, array $all, array $strings)
{
    foreach ($fieldNames as $field) {
        if (!in_array($field, $all, true) && !in_array($field, SEARCH_PSEUDO_FIELDS, true)) {
            finding("$file: unknown field $field");
        }
    }
    foreach ($labels as $label) {
        if (!isset($strings[$label]) && !in_array($label, CORE_LABELS, true)) {
            finding("$file: label $label is not defined for $module");
        }
    }
}

foreach ($modules as $module => $info) {
    $dir = "modules/$module/metadata";
    if (!$info['tab']) {  // a module without a tab (the change outbox) has no screens
        if (file_exists($dir)) {
            finding("$dir: $module has no tab, so nobody opens the views it defines");
        }
        continue;
    }
    $list = include_isolated("$dir/listviewdefs.php", array('listViewDefs'))['listViewDefs'][$module];
    check_view_refs($module, "$dir/listviewdefs.php", array_map('strtolower', array_keys($list)),
        array_column($list, 'label'), $info['all'], $info['strings']);
    foreach (array('detailviewdefs' => 'DetailView', 'editviewdefs' => 'EditView') as $file => $view) {
        $defs = include_isolated("$dir/$file.php", array('viewdefs'))['viewdefs'][$module][$view];
        $buttons = isset($defs['templateMeta']['form']['buttons']) ? $defs['templateMeta']['form']['buttons'] : array();
        if (in_array('DUPLICATE', $buttons, true)) {
            finding("$dir/$file.php: a DUPLICATE button copies the network id the service keeps one record for");
        }
        $names = array();
        foreach ($defs['panels'] as $rows) {
            foreach ($rows as $row) {
                foreach ($row as $cell) {
                    $names[] = is_array($cell) ? $cell['name'] : $cell;
                }
            }
        }
        check_view_refs($module, "$dir/$file.php", $names, array_keys($defs['panels']), $info['all'], $info['strings']);
    }
    $search = include_isolated("$dir/searchdefs.php", array('searchdefs'))['searchdefs'][$module]['layout'];
    foreach ($search as $layout) {
        check_view_refs($module, "$dir/searchdefs.php", array_column($layout, 'name'),
            array_column($layout, 'label'), $info['all'], $info['strings']);
    }
    $searchFields = include_isolated("$dir/SearchFields.php", array('searchFields'))['searchFields'][$module];
    $names = array();
    foreach (array_keys($searchFields) as $name) {
        $names[] = preg_replace('/^(start_|end_)?range_/', '', $name);
    }
    check_view_refs($module, "$dir/SearchFields.php", $names, array(), $info['all'], $info['strings']);
    $popup = include_isolated("$dir/popupdefs.php", array('popupMeta'))['popupMeta'];
    check_view_refs($module, "$dir/popupdefs.php",
        array_merge(array_map('strtolower', array_keys($popup['listviewdefs'])), $popup['searchInputs']),
        array_column($popup['listviewdefs'], 'label'), $info['all'], $info['strings']);
    if ($popup['moduleMain'] !== $info['class']) {
        finding("$dir/popupdefs.php: moduleMain must be {$info['class']}");
    }
    $subpanel = include_isolated("$dir/subpanels/default.php", array('subpanel_layout'))['subpanel_layout'];
    $columns = array_diff(array_keys($subpanel['list_fields']), array('edit_button', 'remove_button'));
    check_view_refs($module, "$dir/subpanels/default.php", $columns, array_column($subpanel['list_fields'], 'vname'),
        $info['all'], $info['strings']);
}

// Subpanels: core modules through layoutdefs fragments, profiles through subpaneldefs.php.
$layouts = array();
foreach (isset($fragments['layoutdefs']) ? $fragments['layoutdefs'] : array() as $fragment) {
    list($module, $from) = $fragment;
    $layout = include_isolated($from, array('layout_defs'))['layout_defs'];
    if (array_keys($layout) !== array($module)) {
        finding("layoutdefs: $from must only extend \$layout_defs['$module']");
        continue;
    }
    $layouts[] = array($module, $from, $layout[$module]['subpanel_setup'], isset($strings[$module]) ? $strings[$module] : array());
}
foreach ($modules as $module => $info) {
    $file = "modules/$module/metadata/subpaneldefs.php";
    if (file_exists($file)) {
        $layout = include_isolated($file, array('layout_defs'))['layout_defs'];
        $layouts[] = array($module, $file, $layout[$module]['subpanel_setup'], $info['strings']);
    }
}
foreach ($layouts as $entry) {
    list($module, $from, $setup, $labels) = $entry;
    foreach ($setup as $key => $panel) {
        $target = $panel['module'];
        $link = isset($links[$module][$panel['get_subpanel_data']]) ? $links[$module][$panel['get_subpanel_data']] : null;
        if (strpos($key, 'scrm_') !== 0 || !isset($modules[$target])) {
            finding("$from: subpanel $key must be scrm_* and show a package module");
            continue;
        }
        if ($link === null || $link['module'] !== $target) {
            finding("$from: subpanel $key reads link {$panel['get_subpanel_data']}, which $module does not have for $target");
        }
        if (!isset($labels[$panel['title_key']])) {
            finding("$from: subpanel title {$panel['title_key']} is not defined for $module");
        }
        if (!file_exists("modules/$target/metadata/subpanels/{$panel['subpanel_name']}.php")) {
            finding("$from: subpanel layout {$panel['subpanel_name']} of $target is missing");
        }
        if (!in_array($panel['sort_by'], $modules[$target]['all'], true)) {
            finding("$from: subpanel $key sorts by unknown field {$panel['sort_by']}");
        }
    }
}

// Custom fields on core modules.
foreach ($installdefs['custom_fields'] as $field) {
    $where = "custom_fields: {$field['module']}.{$field['name']}";
    if (!isset(CORE_OBJECTS[$field['module']]) || !preg_match('/^scrm_[a-z0-9_]+_c$/', $field['name'])) {
        finding("$where must be an scrm_*_c field on a core module");
    }
    if (!isset($strings[$field['module']][$field['label']])) {
        finding("$where label {$field['label']} is not defined for {$field['module']}");
    }
    if (!in_array($field['type'], array('decimal', 'int', 'datetimecombo', 'varchar', 'bool', 'text'), true)) {
        finding("$where has an unexpected type {$field['type']}");
    }
    // TemplateField::populateFromRow maps require_option onto required: any non-empty string is true
    if (!array_key_exists('require_option', $field) || $field['require_option'] !== false) {
        finding("$where must say 'require_option' => false (it is optional)");
    }
    // fields_meta_data has no precision column: TemplateFloat keeps it in ext1 (empty means 8)
    if ($field['type'] === 'decimal' && (!isset($field['ext1'], $field['precision']) || (string) $field['ext1'] !== (string) $field['precision'])) {
        finding("$where must carry its precision in ext1 too");
    }
}

// Logic hooks: each fragment registers a file that gets installed, a class in it and its method.
foreach (isset($fragments['hookdefs']) ? $fragments['hookdefs'] : array() as $fragment) {
    list($module, $from) = $fragment;
    $hooks = include_isolated($from, array('hook_array'))['hook_array'];
    foreach ($hooks as $event => $entries) {
        // the events SuiteCRM's SugarBean calls for a module (include/utils/LogicHook.php)
        $events = $module === 'application' ? array('after_ui_frame')
            : array('before_save', 'after_save', 'before_delete', 'after_delete', 'after_retrieve', 'process_record');
        if (!in_array($event, $events, true)) {
            finding("hookdefs: $from registers unexpected event $event");
        }
        foreach ($entries as $hook) {
            list(, , $file, $class, $method) = $hook;
            if (!isset($copied[$file])) {
                finding("hookdefs: $file (hook for $module) is not installed by the package");
                continue;
            }
            $source = file_get_contents($copied[$file]);
            if (!in_array($class, declared_classes($copied[$file]), true)
                || !preg_match('/function\s+' . preg_quote($method, '/') . '\s*\(/', $source)) {
                finding("hookdefs: $class::$method is not defined in $file");
            }
        }
    }
}

// Administration entry: labels defined, link to an action the module's controller has.
foreach (isset($fragments['administration']) ? $fragments['administration'] : array() as $fragment) {
    $defs = include_isolated($fragment[1], array('admin_group_header'))['admin_group_header'];
    foreach ($defs as $group) {
        foreach (array($group[0], $group[4]) as $label) {
            if (!isset($strings['Administration'][$label])) {
                finding("administration: label $label is not defined for Administration");
            }
        }
        foreach ($group[3]['Administration'] as $option) {
            foreach (array($option[1], $option[2]) as $label) {
                if (!isset($strings['Administration'][$label])) {
                    finding("administration: label $label is not defined for Administration");
                }
            }
            parse_str((string) parse_url($option[3], PHP_URL_QUERY), $query);
            $controller = "modules/{$query['module']}/controller.php";
            if (!isset($modules[$query['module']]) || !file_exists($controller)
                || !preg_match('/function\s+action_' . preg_quote(strtolower($query['action']), '/') . '\s*\(/', file_get_contents($controller))
                || !file_exists("modules/{$query['module']}/views/view.{$query['action']}.php")) {
                finding("administration: {$option[3]} does not reach a controller action and view");
            }
        }
    }
}

foreach (isset($fragments['module_name_map']) ? $fragments['module_name_map'] : array() as $fragment) {
    $map = include_isolated($fragment[1], array('module_name_map'))['module_name_map'];
    if (array_keys($map) != array_keys($modules)) {
        finding('module_name_map: must map exactly the package modules');
    }
}
foreach (array_keys($modules) as $module) {
    if (!isset($lists['moduleList'][$module], $lists['moduleListSingular'][$module])) {
        finding("language: $module needs moduleList and moduleListSingular names");
    }
}
