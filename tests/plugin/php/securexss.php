<?php
/*
 * SuiteCRM's input filter, re-implemented so the settings page is tested with the $_POST it
 * really gets. include/utils.php clean_incoming_data() keeps the request as sent in
 * $GLOBALS['RAW_REQUEST'], then replaces every $_GET, $_POST and $_REQUEST value with
 * securexss($value):
 *
 *   1. 'javascript:' (any case) becomes 'java script:' and NUL bytes go;
 *   2. '&quot;' -> '&#38;', then " ' < > ` -> &quot; &#039; &lt; &gt; &#96; (in that order);
 *   3. voku AntiXSS::xss_clean(), with the 'style' evil attribute removed.
 *
 * Step 3 is modelled for what reaches it: step 2 has turned every '<' into '&lt;', so of
 * AntiXSS's passes only those that work without markup can change the value (never-allowed
 * strings and patterns, exploded words, the '¼script' form, naughty JavaScript calls, the final
 * never-allowed-afterwards list). As in AntiXSS, those passes repeat until nothing changes,
 * and the value is returned unchanged unless one of them found something. A value that only
 * becomes markup by URL-decoding (%3C...) is not modelled: the functions refuse it.
 */

/** include/utils.php securexss() */
function scrm_test_securexss($value)
{
    if (is_array($value)) {
        $clean = array();
        foreach ($value as $key => $item) {
            $clean[$key] = scrm_test_securexss($item);
        }
        return $clean;
    }
    $value = preg_replace(array('/javascript:/i', '/\0/'), array('java script:', ''), (string) $value);
    $value = str_replace(array('&quot;', '"', "'", '<', '>', '`'), array('&#38;', '&quot;', '&#039;', '&lt;', '&gt;', '&#96;'), $value);
    return scrm_test_xss_clean($value);
}

/** AntiXSS::xss_clean() for a value without markup. */
function scrm_test_xss_clean($value)
{
    $found = false;
    $current = $value;
    do {
        $before = $current;
        $current = scrm_test_xss_pass($current, $found);
    } while ($before !== $current);
    return $found ? $current : $value;
}

/** AntiXSS::_do() */
function scrm_test_xss_pass($str, &$found)
{
    if ($str === '' || (string) (int) $str == $str || (string) (float) $str == $str) {
        return $str;
    }
    if (!preg_match('//u', $str)) {
        $str = iconv('UTF-8', 'UTF-8//IGNORE', $str);  // UTF8::clean drops what is not UTF-8
    }
    $str = preg_replace_callback('#\+([0-9a-zA-Z]+)\-#', 'scrm_test_repack_utf7', $str);
    do {  // UTF8::rawurldecode decodes until nothing changes
        $decoded = $str;
        $str = rawurldecode($str);
    } while ($decoded !== $str);
    if (preg_match('/<\w+.*+/si', $str)) {
        throw new RuntimeException('securexss stand-in: markup after URL-decoding is not modelled');
    }
    $backup = $str;
    $str = str_ireplace(array_keys(SCRM_XSS_NEVER_ALLOWED), array_values(SCRM_XSS_NEVER_ALLOWED), $str);
    $str = preg_replace('#' . implode('|', SCRM_XSS_NEVER_ALLOWED_REGEX) . '#is', '', $str);
    foreach (array('javascript', 'expression', 'view-source', 'vbscript', 'jscript', 'wscript', 'vbs', 'script',
        'base64', 'applet', 'alert', 'document', 'write', 'cookie', 'window', 'confirm', 'prompt', 'eval') as $word) {
        $spaced = substr(chunk_split($word, 1, '(?:\s|\+|"|\042|\'|\047)*'), 0, -strlen('(?:\s|\+|"|\042|\'|\047)*'));
        $str = preg_replace_callback('#(' . $spaced . ')(\W)#is', function ($m) {
            return preg_replace('/(?:\s+|"|\042|\'|\047|\+)*+/', '', $m[1]) . $m[2];
        }, $str);
    }
    if (stripos($str, 'script') !== false) {
        $str = preg_replace('#(?:¼|<)/*(?:script).*(?:¾|>)#isuU', '', $str);
    }
    $str = preg_replace(
        '#(alert|eval|prompt|confirm|cmd|passthru|eval|exec|expression|system|fopen|fsockopen|file|file_get_contents|readfile|unlink)(\s*)\((.*)\)#siU',
        '\\1\\2&#40;\\3&#41;',
        $str
    );
    $afterwards = array();
    foreach (SCRM_XSS_NEVER_ALLOWED_AFTERWARDS as $word) {
        $afterwards[] = $word . '.*(?:=|%3D)';
    }
    $str = preg_replace('#' . implode('|', $afterwards) . '#isU', '', $str);
    if ($str !== $backup) {
        $found = true;
    }
    return $str;
}

/** AntiXSS::_repack_utf7_callback() */
function scrm_test_repack_utf7(array $match)
{
    $decoded = base64_decode($match[1]);
    if ($decoded === false || rtrim(base64_encode($decoded), '=') !== rtrim($match[1], '=')) {
        return $match[0];
    }
    $decoded = preg_replace_callback('/^((?:\x00.)*?)((?:[^\x00].)+)/us', function ($m) {
        return $m[1] . '+' . rtrim(base64_encode($m[2]), '=') . '-';
    }, $decoded);
    return preg_replace('/\x00(.)/us', '$1', (string) $decoded);
}

const SCRM_XSS_NEVER_ALLOWED = array(
    'document.cookie' => '', '(document).cookie' => '', 'document.write' => '', '(document).write' => '',
    '.parentNode' => '', '.innerHTML' => '', '.appendChild' => '', '-moz-binding' => '',
    '<!--' => '&lt;!--', '-->' => '--&gt;', '<?' => '&lt;?', '?>' => '?&gt;', '<![CDATA[' => '&lt;![CDATA[',
    '<!ENTITY' => '&lt;!ENTITY', '<!DOCTYPE' => '&lt;!DOCTYPE', '<!ATTLIST' => '&lt;!ATTLIST',
);

const SCRM_XSS_NEVER_ALLOWED_REGEX = array(
    'javascript\s*:', '(\(?document\)?|\(?window\)?(\.document)?)\.(location|on\w*)', 'jar\s*:', 'applescript\s*:',
    'vbscript\s*:', 'wscript\s*:', 'jscript\s*:', 'vbs\s*:', 'behavior\s:', 'Redirect\s+30\d',
    "([\"'])?data\s*:[^\\1]*?base64[^\\1]*?,[^\\1]*?\\1?", '&\s*\{[^}]*(\}\s*;?|$)', 'expression\s*(\(|&\#40;)',
    'mocha\s*:', 'livescript\s*:', 'view-source\s*:',
);

const SCRM_XSS_NEVER_ALLOWED_AFTERWARDS = array(
    'FSCommand', 'onAbort', 'onActivate', 'onAttribute', 'onAfterPrint', 'onAfterScriptExecute', 'onAfterUpdate',
    'onAnimationEnd', 'onAnimationIteration', 'onAnimationStart', 'onAriaRequest', 'onAutoComplete',
    'onAutoCompleteError', 'onBeforeActivate', 'onBeforeCopy', 'onBeforeCut', 'onBeforeDeactivate',
    'onBeforeEditFocus', 'onBeforePaste', 'onBeforePrint', 'onBeforeScriptExecute', 'onBeforeUnload',
    'onBeforeUpdate', 'onBegin', 'onBlur', 'onBounce', 'onCancel', 'onCanPlay', 'onCanPlayThrough', 'onCellChange',
    'onChange', 'onClick', 'onClose', 'onCommand', 'onCompassNeedsCalibration', 'onContextMenu', 'onControlSelect',
    'onCopy', 'onCueChange', 'onCut', 'onDataAvailable', 'onDataSetChanged', 'onDataSetComplete', 'onDblClick',
    'onDeactivate', 'onDeviceLight', 'onDeviceMotion', 'onDeviceOrientation', 'onDeviceProximity', 'onDrag',
    'onDragDrop', 'onDragEnd', 'onDragEnter', 'onDragLeave', 'onDragOver', 'onDragStart', 'onDrop',
    'onDurationChange', 'onEmptied', 'onEnd', 'onEnded', 'onError', 'onErrorUpdate', 'onExit', 'onFilterChange',
    'onFinish', 'onFocus', 'onFocusIn', 'onFocusOut', 'onFormChange', 'onFormInput', 'onFullScreenChange',
    'onFullScreenError', 'onGotPointerCapture', 'onHashChange', 'onHelp', 'onInput', 'onInvalid', 'onKeyDown',
    'onKeyPress', 'onKeyUp', 'onLanguageChange', 'onLayoutComplete', 'onLoad', 'onLoadedData', 'onLoadedMetaData',
    'onLoadStart', 'onLoseCapture', 'onLostPointerCapture', 'onMediaComplete', 'onMediaError', 'onMessage',
    'onMouseDown', 'onMouseEnter', 'onMouseLeave', 'onMouseMove', 'onMouseOut', 'onMouseOver', 'onMouseUp',
    'onMouseWheel', 'onMove', 'onMoveEnd', 'onMoveStart', 'onMozFullScreenChange', 'onMozFullScreenError',
    'onMozPointerLockChange', 'onMozPointerLockError', 'onMsContentZoom', 'onMsFullScreenChange',
    'onMsFullScreenError', 'onMsGestureChange', 'onMsGestureDoubleTap', 'onMsGestureEnd', 'onMsGestureHold',
    'onMsGestureStart', 'onMsGestureTap', 'onMsGotPointerCapture', 'onMsInertiaStart', 'onMsLostPointerCapture',
    'onMsManipulationStateChanged', 'onMsPointerCancel', 'onMsPointerDown', 'onMsPointerEnter', 'onMsPointerLeave',
    'onMsPointerMove', 'onMsPointerOut', 'onMsPointerOver', 'onMsPointerUp', 'onMsSiteModeJumpListItemRemoved',
    'onMsThumbnailClick', 'onOffline', 'onOnline', 'onOutOfSync', 'onPage', 'onPageHide', 'onPageShow', 'onPaste',
    'onPause', 'onPlay', 'onPlaying', 'onPointerCancel', 'onPointerDown', 'onPointerEnter', 'onPointerLeave',
    'onPointerLockChange', 'onPointerLockError', 'onPointerMove', 'onPointerOut', 'onPointerOver', 'onPointerUp',
    'onPopState', 'onProgress', 'onPropertyChange', 'onRateChange', 'onReadyStateChange', 'onReceived', 'onRepeat',
    'onReset', 'onResize', 'onResizeEnd', 'onResizeStart', 'onResume', 'onReverse', 'onRowDelete', 'onRowEnter',
    'onRowExit', 'onRowInserted', 'onRowsDelete', 'onRowsEnter', 'onRowsExit', 'onRowsInserted', 'onScroll',
    'onSearch', 'onSeek', 'onSeeked', 'onSeeking', 'onSelect', 'onSelectionChange', 'onSelectStart', 'onStalled',
    'onStorage', 'onStorageCommit', 'onStart', 'onStop', 'onShow', 'onSyncRestored', 'onSubmit', 'onSuspend',
    'onSynchRestored', 'onTimeError', 'onTimeUpdate', 'onTrackChange', 'onTransitionEnd', 'onToggle', 'onUnload',
    'onURLFlip', 'onUserProximity', 'onVolumeChange', 'onWaiting', 'onWebKitAnimationEnd',
    'onWebKitAnimationIteration', 'onWebKitAnimationStart', 'onWebKitFullScreenChange', 'onWebKitFullScreenError',
    'onWebKitTransitionEnd', 'onWheel', '&lt;script&gt;', '&lt;/script&gt;',
);
