<?php
// SocialCRM: keep emoji and other 4-byte characters on SuiteCRM's 3-byte utf8 tables.
// Registration only; SCRM_TextGuard explains the escape. before_save runs last, after every
// other hook has set its values; the display hooks run first, so others see the characters.
$hook_version = 1;
$hook_array['before_save'][] = array(
    1000,
    'SocialCRM text guard',
    'modules/SCRM_SocialInteractions/lib/SCRM_TextGuard.php',
    'SCRM_TextGuard',
    'beforeSave',
);
$hook_array['after_retrieve'][] = array(
    1,
    'SocialCRM text guard',
    'modules/SCRM_SocialInteractions/lib/SCRM_TextGuard.php',
    'SCRM_TextGuard',
    'forDisplay',
);
$hook_array['process_record'][] = array(
    1,
    'SocialCRM text guard',
    'modules/SCRM_SocialInteractions/lib/SCRM_TextGuard.php',
    'SCRM_TextGuard',
    'forDisplay',
);
