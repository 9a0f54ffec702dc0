<?php
// SocialCRM: the module icons' stylesheet on SuiteCRM's pages. Registration only;
// SCRM_Icons explains why an application hook is the upgrade-safe way in.
$hook_version = 1;
$hook_array['after_ui_frame'][] = array(
    90,
    'SocialCRM icons',
    'modules/SCRM_SocialInteractions/lib/SCRM_Icons.php',
    'SCRM_Icons',
    'addStylesheet',
);
