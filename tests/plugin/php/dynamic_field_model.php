<?php
/*
 * What SuiteCRM 7.14 does with a manifest's custom_fields entry, re-implemented from its code
 * for the field types this package uses (decimal, int, datetimecombo), so the tests see a
 * custom field the way SuiteCRM stores and later rebuilds it:
 *
 *   ModuleInstaller::install_custom_fields  get_widget(type), TemplateField::populateFromRow(entry),
 *                                           DynamicField::addFieldObject(field)
 *   DynamicField::addFieldObject            one fields_meta_data row, the _cstm column,
 *                                           saveExtendedAttributes -> _override_sugarfield_<name>.php
 *   DynamicField::buildCache                the vardef rebuilt from the fields_meta_data row
 *                                           (TemplateField::get_field_def, TemplateFloat adds precision)
 *   TemplateDecimal::get_db_type            the column type, when created and on every repair
 *
 * Only the attributes that reach storage are modelled; HTML and Studio parts are left out.
 */

/** modules/DynamicFields/vardefs.php: the columns of fields_meta_data. */
const SCRM_FMD_COLUMNS = array(
    'id', 'name', 'vname', 'comments', 'help', 'custom_module', 'type', 'len', 'required',
    'default_value', 'date_modified', 'deleted', 'audited', 'massupdate', 'duplicate_merge',
    'reportable', 'importable', 'ext1', 'ext2', 'ext3', 'ext4',
);

#[\AllowDynamicProperties]
class ScrmModelTemplateField
{
    public $name = '';
    public $vname = '';
    public $label = '';
    public $len = '255';
    public $required = false;
    public $default = null;
    public $default_value = null;
    public $type = 'varchar';
    public $comment = '';
    public $ext1 = '';
    public $ext2 = '';
    public $ext3 = '';
    public $ext4 = '';
    public $audited = 0;
    public $inline_edit = 1;
    public $massupdate = 0;
    public $importable = 'true';
    public $duplicate_merge = 0;
    public $reportable = true;
    public $help = '';
    public $unified_search = 0;
    public $vardef_map = array(
        'name' => 'name', 'label' => 'vname', 'default_value' => 'default', 'default' => 'default_value',
        'display_default' => 'default_value', 'len' => 'len', 'required' => 'required', 'type' => 'type',
        'audited' => 'audited', 'inline_edit' => 'inline_edit', 'massupdate' => 'massupdate', 'options' => 'ext1',
        'help' => 'help', 'comments' => 'comment', 'importable' => 'importable', 'duplicate_merge' => 'duplicate_merge',
        'duplicate_merge_dom_value' => 'duplicate_merge_dom_value', 'merge_filter' => 'merge_filter',
        'reportable' => 'reportable', 'ext2' => 'ext2', 'ext4' => 'ext4', 'ext3' => 'ext3',
        'labelValue' => 'label_value', 'unified_search' => 'unified_search', 'full_text_search' => 'full_text_search',
    );

    /** TemplateField::populateFromRow: copies each FMD key to its field name and back, then every key. */
    public function populateFromRow(array $row)
    {
        $fmdToField = array('comments' => 'comment', 'require_option' => 'required', 'label' => 'vname',
            'mass_update' => 'massupdate', 'max_size' => 'len', 'default_value' => 'default', 'id_name' => 'ext3');
        foreach ($fmdToField as $fmdKey => $fieldKey) {
            if (isset($row[$fieldKey])) {
                $this->$fmdKey = $row[$fieldKey];
            }
            if (isset($row[$fmdKey])) {
                $this->$fieldKey = $row[$fmdKey];
            }
        }
        foreach ($row as $key => $value) {
            $this->$key = $value;
        }
    }

    /** TemplateField::get_field_def, the parts that become the vardef. */
    public function get_field_def()
    {
        $def = array(
            'required' => self::boolean($this->required),
            'source' => 'custom_fields',
            'name' => $this->name,
            'vname' => $this->vname,
            'type' => $this->type,
            'massupdate' => $this->massupdate,
            'default' => $this->default,
        );
        if (!empty($this->len)) {
            $def['len'] = $this->len;
        }
        return $def;
    }

    /** TemplateField::get_db_type for types with a fixed column type. */
    public function get_db_type()
    {
        return $this->type;
    }

    /** TemplateField::convertBooleanValue */
    protected static function boolean($value)
    {
        if ($value === 'true' || $value === '1' || $value === 1) {
            return true;
        }
        if ($value === 'false' || $value === '0' || $value === 0) {
            return false;
        }
        return $value;
    }
}

class ScrmModelTemplateInt extends ScrmModelTemplateField
{
    public $type = 'int';
}

class ScrmModelTemplateDatetimecombo extends ScrmModelTemplateField
{
    public $type = 'datetimecombo';

    public function get_db_type()
    {
        return 'datetime';
    }
}

/** TemplateFloat + TemplateDecimal: fields_meta_data keeps the precision in ext1. */
class ScrmModelTemplateDecimal extends ScrmModelTemplateField
{
    public $type = 'decimal';
    public $len = '18';
    public $precision = '8';

    public function __construct()
    {
        $this->vardef_map['precision'] = 'ext1';
    }

    public function get_field_def()
    {
        $def = parent::get_field_def();
        $def['precision'] = isset($this->ext1) && $this->ext1 != '' ? $this->ext1 : $this->precision;
        return $def;
    }

    public function get_db_type()
    {
        if (empty($this->len)) {
            return 'double';
        }
        $precision = !empty($this->precision) ? $this->precision : 6;
        return sprintf('decimal(%s,%s)', $this->len, $precision);
    }
}

/** FieldCases.php get_widget() for the types this package uses. */
function scrm_model_widget($type)
{
    switch ($type) {
        case 'decimal':
            return new ScrmModelTemplateDecimal();
        case 'int':
            return new ScrmModelTemplateInt();
        case 'datetimecombo':
            return new ScrmModelTemplateDatetimecombo();
        default:
            throw new InvalidArgumentException("custom field type $type is not modelled");
    }
}

/**
 * ModuleInstaller::install_custom_fields for one manifest entry.
 *
 * @return array{row: array, column: string, override: array, vardef: array}
 *     row: the fields_meta_data row as the database returns it (strings);
 *     column: the _cstm column type created; override: what saveExtendedAttributes writes to
 *     _override_sugarfield_<name>.php; vardef: what buildCache rebuilds from the row
 */
function scrm_model_install_custom_field(array $entry)
{
    foreach (array('ext4' => '', 'mass_update' => 0, 'duplicate_merge' => 0, 'help' => '') as $key => $default) {
        if (!isset($entry[$key])) {
            $entry[$key] = $default;
        }
    }
    $field = scrm_model_widget($entry['type']);
    $field->populateFromRow($entry);
    // DynamicField::addFieldObject
    $row = array(
        'id' => $entry['module'] . $field->name,
        'custom_module' => $entry['module'],
        'name' => $field->name,
        'vname' => strtoupper($field->label),
        'type' => $field->type,
        'help' => $field->help,
        'len' => !empty($field->len) ? $field->len : null,
        'required' => $field->required ? 1 : 0,
        'default_value' => $field->default,
        'ext1' => $field->ext1,
        'ext2' => $field->ext2,
        'ext3' => $field->ext3,
        'ext4' => isset($field->ext4) ? $field->ext4 : '',
        'comments' => $field->comment,
        'massupdate' => $field->massupdate,
        'importable' => isset($field->importable) ? $field->importable : null,
        'duplicate_merge' => $field->duplicate_merge,
        'audited' => $field->audited,
        'reportable' => $field->reportable ? 1 : 0,
        'deleted' => 0,
    );
    $column = $field->get_db_type();
    $stored = array();
    foreach ($row as $key => $value) {
        $stored[$key] = $value === null ? null : (is_bool($value) ? ($value ? '1' : '0') : (string) $value);
    }
    return array(
        'row' => $stored,
        'column' => $column,
        'override' => scrm_model_extended_attributes($field),
        'vardef' => scrm_model_rebuild_vardef($stored),
    );
}

/** DynamicField::saveExtendedAttributes: vardef_map entries that are set, not columns, not defaults. */
function scrm_model_extended_attributes(ScrmModelTemplateField $field)
{
    $base = scrm_model_widget($field->type);
    $saved = array();
    foreach ($field->vardef_map as $property => $column) {
        if (!isset($field->$property) || in_array($column, SCRM_FMD_COLUMNS, true)
            || in_array($property, SCRM_FMD_COLUMNS, true) || scrm_model_is_default($property, $field->$property, $base)
            || in_array($property, array('action', 'label_value', 'label'), true)
            || (substr($property, 0, 3) === 'ext' && strlen($property) === 4)) {
            continue;
        }
        $saved[$property] = $field->$property;
    }
    return $saved;
}

/** DynamicField::isDefaultValue */
function scrm_model_is_default($property, $value, $base)
{
    switch ($property) {
        case 'importable':
            return $value === 'true' || $value === '1' || $value === true || $value === 1;
        case 'required':
        case 'audited':
        case 'inline_edit':
        case 'massupdate':
            return $value === 'false' || $value === '0' || $value === false || $value === 0;
        case 'default_value':
        case 'default':
        case 'help':
        case 'comments':
            return $value == '';
        case 'duplicate_merge':
            return $value === 'false' || $value === '0' || $value === false || $value === 0 || $value === 'disabled';
    }
    return isset($base->$property) ? $base->$property == $value : false;
}

/** DynamicField::buildCache for one row: a fresh widget takes every column, then get_field_def(). */
function scrm_model_rebuild_vardef(array $row)
{
    $field = scrm_model_widget($row['type']);
    foreach ($row as $key => $value) {
        $field->$key = $value;
    }
    $field->default = $field->default_value;
    $vardef = $field->get_field_def();
    $vardef['id'] = $row['id'];
    $vardef['custom_module'] = $row['custom_module'];
    return $vardef;
}

/** The column type a repair (Quick Repair and Rebuild) asks for, from the rebuilt vardef. */
function scrm_model_repair_column(array $vardef)
{
    $field = scrm_model_widget($vardef['type']);
    foreach ($vardef as $key => $value) {
        $field->$key = $value;
    }
    return $field->get_db_type();
}
