<?php
// SocialCRM: report changes to the SocialCRM service. Registration only: the class queues a
// small signed event and sends it when the request ends (after the response under PHP-FPM;
// under mod_php at most one, with a sub-second timeout), so a save is never broken.
$hook_version = 1;
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
