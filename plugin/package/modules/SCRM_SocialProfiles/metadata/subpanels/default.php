<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$module_name = 'SCRM_SocialProfiles';
$subpanel_layout = array(
    'top_buttons' => array(
        array('widget_class' => 'SubPanelTopSelectButton', 'popup_module' => $module_name, 'mode' => 'MultiSelect'),
    ),
    'where' => '',
    'list_fields' => array(
        'name' => array(
            'vname' => 'LBL_SCRM_PROFILE_NAME',
            'widget_class' => 'SubPanelDetailViewLink',
            'width' => '30%',
        ),
        'network' => array('vname' => 'LBL_SCRM_NETWORK', 'width' => '12%'),
        'handle' => array('vname' => 'LBL_SCRM_HANDLE', 'width' => '18%'),
        'followers' => array('vname' => 'LBL_SCRM_FOLLOWERS', 'width' => '10%'),
        'advocate_score' => array('vname' => 'LBL_SCRM_ADVOCATE_SCORE', 'width' => '10%'),
        'match_confidence' => array('vname' => 'LBL_SCRM_MATCH_CONFIDENCE', 'width' => '10%'),
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
