<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$module_name = 'SCRM_SocialInteractions';
$subpanel_layout = array(
    'top_buttons' => array(
        array('widget_class' => 'SubPanelTopSelectButton', 'popup_module' => $module_name, 'mode' => 'MultiSelect'),
    ),
    'where' => '',
    'list_fields' => array(
        'name' => array(
            'vname' => 'LBL_SCRM_SUBJECT',
            'widget_class' => 'SubPanelDetailViewLink',
            'width' => '35%',
        ),
        'network' => array('vname' => 'LBL_SCRM_NETWORK', 'width' => '10%'),
        'kind' => array('vname' => 'LBL_SCRM_KIND', 'width' => '10%'),
        'status' => array('vname' => 'LBL_SCRM_STATUS', 'width' => '10%'),
        'sentiment_label' => array('vname' => 'LBL_SCRM_SENTIMENT_LABEL', 'width' => '10%'),
        'occurred_at' => array('vname' => 'LBL_SCRM_OCCURRED_AT', 'width' => '15%'),
        'edit_button' => array(
            'vname' => 'LBL_EDIT_BUTTON',
            'widget_class' => 'SubPanelEditButton',
            'module' => $module_name,
            'width' => '4%',
        ),
        'remove_button' => array(
            'vname' => 'LBL_REMOVE',
            'widget_class' => 'SubPanelRemoveButton',
            'module' => $module_name,
            'width' => '5%',
        ),
    ),
);
