<?php
// SocialCRM: social subpanels on Cases.
$layout_defs['Cases']['subpanel_setup']['scrm_socialinteractions'] = array(
    'order' => 150,
    'module' => 'SCRM_SocialInteractions',
    'subpanel_name' => 'default',
    'sort_order' => 'desc',
    'sort_by' => 'occurred_at',
    'title_key' => 'LBL_SCRM_SOCIALINTERACTIONS_SUBPANEL_TITLE',
    'get_subpanel_data' => 'scrm_socialinteractions',
    'top_buttons' => array(
        array('widget_class' => 'SubPanelTopSelectButton', 'mode' => 'MultiSelect'),
    ),
);
