<?php
// SocialCRM: report changes to the SocialCRM service. Registration only: the class queues a
// small signed event and sends the request's events as one notice when the request ends
// (after the response under PHP-FPM; under mod_php one notice, with a sub-second timeout), so
// a save is never broken. before_delete only notes the assignee, which deleting unlinks.
$hook_version = 1;
$hook_array['before_delete'][] = array(
    90,
    'SocialCRM change event',
    'modules/SCRM_SocialInteractions/lib/SCRM_ChangeNotifier.php',
    'SCRM_ChangeNotifier',
    'beforeDelete',
);
$hook_array['after_save'][] = array(
    90,
    'SocialCRM change event',
    'modules/SCRM_SocialInteractions/lib/SCRM_ChangeNotifier.php',
    'SCRM_ChangeNotifier',
    'afterSave',
);
$hook_array['after_delete'][] = array(
    90,
    'SocialCRM change event',
    'modules/SCRM_SocialInteractions/lib/SCRM_ChangeNotifier.php',
    'SCRM_ChangeNotifier',
    'afterDelete',
);
