<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$layout_defs['SCRM_SocialProfiles'] = array(
    'subpanel_setup' => array(
        'scrm_socialinteractions' => array(
            'order' => 10,
            'module' => 'SCRM_SocialInteractions',
            'subpanel_name' => 'default',
            'sort_order' => 'desc',
            'sort_by' => 'occurred_at',
            'title_key' => 'LBL_SCRM_SOCIALINTERACTIONS_SUBPANEL_TITLE',
            'get_subpanel_data' => 'scrm_socialinteractions',
            'top_buttons' => array(
                array('widget_class' => 'SubPanelTopSelectButton', 'mode' => 'MultiSelect'),
            ),
        ),
    ),
);
