<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$mod_strings = array(
    'LBL_MODULE_NAME' => 'Social Profiles',
    'LBL_MODULE_TITLE' => 'Social Profiles',
    'LBL_MODULE_ID' => 'SCRM_SocialProfiles',
    'LBL_OBJECT_NAME' => 'Social Profile',
    'LBL_LIST_FORM_TITLE' => 'Social Profiles',
    'LBL_SEARCH_FORM_TITLE' => 'Search Social Profiles',
    'LBL_HOMEPAGE_TITLE' => 'My Social Profiles',
    'LBL_NEW_FORM_TITLE' => 'New Social Profile',
    'LNK_NEW_RECORD' => 'Create Social Profile',
    'LNK_LIST' => 'View Social Profiles',

    'LBL_SCRM_PROFILE_NAME' => 'Name',
    'LBL_SCRM_NETWORK' => 'Network',
    'LBL_SCRM_EXTERNAL_ID' => 'Network ID',
    'LBL_SCRM_HANDLE' => 'Handle',
    'LBL_SCRM_DISPLAY_NAME' => 'Display name',
    'LBL_SCRM_PROFILE_URL' => 'Profile',
    'LBL_SCRM_FOLLOWERS' => 'Followers',
    'LBL_SCRM_ADVOCATE_SCORE' => 'Advocate score',
    'LBL_SCRM_DISCOUNT_SEEKER' => 'Discount seeker',
    'LBL_SCRM_MATCH_CONFIDENCE' => 'Match confidence',
    'LBL_SCRM_MATCH_EVIDENCE' => 'Match evidence',
    'LBL_SCRM_CONTACT_ID' => 'Contact ID',
    'LBL_SCRM_CONTACT' => 'Contact',
    'LBL_SCRM_CONTACT_LINK' => 'Contact',
    'LBL_SCRM_LEAD_ID' => 'Lead ID',
    'LBL_SCRM_LEAD' => 'Lead',
    'LBL_SCRM_LEAD_LINK' => 'Lead',
    'LBL_SCRM_ACCOUNT_ID' => 'Account ID',
    'LBL_SCRM_ACCOUNT' => 'Account',
    'LBL_SCRM_ACCOUNT_LINK' => 'Account',
    'LBL_SCRM_SOCIALINTERACTIONS' => 'Social Interactions',
    'LBL_SCRM_SOCIALINTERACTIONS_SUBPANEL_TITLE' => 'Social Interactions',

    'LBL_SCRM_PANEL_OVERVIEW' => 'Overview',
    'LBL_SCRM_PANEL_MATCH' => 'Matched record',
);
