<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once 'include/MVC/Controller/SugarController.php';

/**
 * Adds the SocialCRM settings action; the record actions stay SuiteCRM's defaults.
 */
class SCRM_SocialInteractionsController extends SugarController
{
    public function action_scrmsettings()
    {
        $this->view = 'scrmsettings';
    }
}
