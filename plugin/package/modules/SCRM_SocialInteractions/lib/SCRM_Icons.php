<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

/**
 * Puts the SocialCRM icons' stylesheet on SuiteCRM's pages.
 *
 * SuiteP draws module icons with its icon font and offers no place where a module adds a
 * glyph or a stylesheet of its own (custom/themes/SuiteP/css/<colour>/style.css is a single
 * file that belongs to the site's admin, and it is cached until a repair). An application
 * after_ui_frame logic hook is the upgrade-safe way in: it is an Extension fragment, it goes
 * with the package on uninstall, and the stylesheet is a static file of the module, which
 * the browser caches.
 *
 * It writes only into HTML that becomes a page: a page that showed SuiteCRM's header, or the
 * content SuiteCRM's AJAX navigation (ajaxUI, the default in SuiteP) loads into a page
 * (ajax_load=1: SugarView wraps it in JSON and the browser puts it into #content, so each
 * such content carries the link again). Other headerless answers go through the same hook
 * (JSON views, PDFs) and must stay untouched; so does ajaxUI's empty page frame, whose
 * content comes in by AJAX.
 */
class SCRM_Icons
{
    const STYLESHEET = 'modules/SCRM_SocialInteractions/css/scrm_icons.css';
    // Bump with every change of the stylesheet, so browsers fetch the new one.
    const REVISION = '1';

    /**
     * after_ui_frame (application): the link tag, where the output becomes a page. SuiteCRM
     * passes ($event, $arguments), or ($bean, $event, $arguments) when its hook runner last
     * served a bean; neither matters here.
     */
    public function addStylesheet()
    {
        if (self::outputIsPage(isset($GLOBALS['app']) ? $GLOBALS['app'] : null, $_REQUEST)) {
            echo self::linkTag();
        }
    }

    /**
     * @param object|null $app SuiteCRM's SugarApplication
     * @param array $request the request's fields
     */
    public static function outputIsPage($app, array $request)
    {
        if (is_object($app) && !empty($app->headerDisplayed)) {
            return true;
        }
        return !empty($request['ajax_load']);
    }

    public static function linkTag()
    {
        $href = self::STYLESHEET . '?v=' . self::REVISION;
        return '<link rel="stylesheet" type="text/css" href="' . htmlspecialchars($href, ENT_QUOTES, 'UTF-8') . '">';
    }
}
