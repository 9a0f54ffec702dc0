<?php
// SocialCRM module names and dropdown lists.
$app_list_strings['moduleList']['SCRM_SocialInteractions'] = 'Social Interactions';
$app_list_strings['moduleList']['SCRM_SocialProfiles'] = 'Social Profiles';
$app_list_strings['moduleListSingular']['SCRM_SocialInteractions'] = 'Social Interaction';
$app_list_strings['moduleListSingular']['SCRM_SocialProfiles'] = 'Social Profile';
// The change outbox the SocialCRM service drains: no tab, administrators only.
$app_list_strings['moduleList']['SCRM_ChangeOutbox'] = 'Change Outbox';
$app_list_strings['moduleListSingular']['SCRM_ChangeOutbox'] = 'Change Outbox Entry';

$app_list_strings['scrm_network_list'] = array(
    'facebook' => 'Facebook',
    'linkedin' => 'LinkedIn',
);
$app_list_strings['scrm_interaction_kind_list'] = array(
    'post' => 'Post',
    'comment' => 'Comment',
    'reply' => 'Reply',
    'message' => 'Message',
    'reaction_summary' => 'Reaction summary',
    'lead_form' => 'Lead form submission',
);
$app_list_strings['scrm_direction_list'] = array(
    'inbound' => 'Inbound',
    'outbound' => 'Outbound',
);
$app_list_strings['scrm_interaction_status_list'] = array(
    'new' => 'New',
    'assigned' => 'Assigned',
    'responded' => 'Responded',
    'closed' => 'Closed',
    'closed_publicly' => 'Closed publicly',
    'hidden' => 'Hidden',
    'deleted' => 'Deleted',
);
$app_list_strings['scrm_sentiment_list'] = array(
    '' => '',
    'positive' => 'Positive',
    'neutral' => 'Neutral',
    'negative' => 'Negative',
    'mixed' => 'Mixed',
);
$app_list_strings['scrm_policy_verdict_list'] = array(
    '' => '',
    'allowed' => 'Allowed',
    'needs_approval' => 'Needs approval',
    'approved' => 'Approved',
    'rejected' => 'Rejected',
    'blocked' => 'Blocked',
);
