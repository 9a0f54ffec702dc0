<?php
// SocialCRM: social subpanels on Contacts.
$layout_defs['Contacts']['subpanel_setup']['scrm_socialinteractions'] = array(
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
$layout_defs['Contacts']['subpanel_setup']['scrm_socialprofiles'] = array(
    'order' => 151,
    'module' => 'SCRM_SocialProfiles',
    'subpanel_name' => 'default',
    'sort_order' => 'desc',
    'sort_by' => 'advocate_score',
    'title_key' => 'LBL_SCRM_SOCIALPROFILES_SUBPANEL_TITLE',
    'get_subpanel_data' => 'scrm_socialprofiles',
    'top_buttons' => array(
        array('widget_class' => 'SubPanelTopSelectButton', 'mode' => 'MultiSelect'),
    ),
);
